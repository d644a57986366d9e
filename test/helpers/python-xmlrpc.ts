import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

/**
 * Python's xmlrpc.client over xend's Unix socket, as xm's ServerProxy reached it:
 * `UnixTransport(path)` for a ServerProxy to http://localhost/RPC2.
 */
export const PYTHON_UNIX_TRANSPORT = String.raw`
import socket, http.client, xmlrpc.client

class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__('localhost')
        self.unix_path = path
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.unix_path)

class UnixTransport(xmlrpc.client.Transport):
    def __init__(self, path):
        super().__init__()
        self.unix_path = path
    def make_connection(self, host):
        return UnixConnection(self.unix_path)
`;

/**
 * Python's xmlrpc.client making the calls xm 4.4 made (`calls`: a body using
 * `server` and `fault`, filling `out`), over the server the test's xm uses.
 */
export function pythonCalls(uri: string, calls: string): Record<string, unknown> {
  const script = String.raw`${PYTHON_UNIX_TRANSPORT}
import json, sys
uri = sys.argv[1]
if uri.startswith('httpu://'):
    server = xmlrpc.client.ServerProxy('http://localhost/RPC2', transport=UnixTransport(uri[len('httpu://'):]), allow_none=True)
else:
    server = xmlrpc.client.ServerProxy(uri + '/RPC2', allow_none=True)
def fault(f, *a):
    try:
        return ['ok', f(*a)]
    except xmlrpc.client.Fault as e:
        return [e.faultCode, e.faultString]
out = {}
${calls}
print(json.dumps(out))
`;
  const r = spawnSync('python3', ['-c', script, uri], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}
