// Reference floor for the client-latency benchmark: the least a Node client can do for
// `xm list`: connect to xend's Unix socket (argv[2]), send the call xm sends, read the
// reply whole, print its size. No decoding, no output worth the name: what any client
// written for this runtime pays on top of `node -e 0` (node:net, its streams, the round trip).
'use strict';
const { connect } = require('node:net');

const body = "<?xml version='1.0'?>\n<methodCall>\n<methodName>xend.domains_with_state</methodName>\n<params>\n<param>\n<value><boolean>1</boolean></value>\n</param>\n<param>\n<value><string>all</string></value>\n</param>\n<param>\n<value><int>0</int></value>\n</param>\n</params>\n</methodCall>\n";
const socket = connect(process.argv[2]);
socket.write(`POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: text/xml\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
let size = 0;
socket.on('data', (chunk) => (size += chunk.length));
socket.on('end', () => require('node:fs').writeSync(1, `${size}\n`));
