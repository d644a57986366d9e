#!/usr/bin/env node
// The load generator of the server-load benchmark: the same program for every
// server measured. N concurrent clients, each on its own node:http keep-alive
// connection (reconnecting only when a server closes it), POST the same
// XML-RPC request back to back. Requests completed during a warm-up are not
// counted; the run is bounded by time and by request count. Every response
// must be HTTP 200 with a body of the expected size and no <fault>.
//
//   node bench/loadgen.mjs (--socket PATH | --port N) --body FILE
//        [--conns 8] [--seconds 3] [--warmup 0.5] [--max 200000] [--expect-bytes N]
// Prints one JSON line: { requests, seconds, rps, errors, connections, bytes, served }, where
// served counts every good response, warm-up and drain included (what the server's CPU time paid for).
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : dflt);
const socketPath = opt('socket', null);
const port = Number(opt('port', 0));
const conns = Number(opt('conns', 8));
const seconds = Number(opt('seconds', 3));
const warmup = Number(opt('warmup', 0.5));
const max = Number(opt('max', 200000));
const expectBytes = opt('expect-bytes', null) === null ? null : Number(opt('expect-bytes'));
const body = readFileSync(opt('body'));
if (!socketPath && !port) throw new Error('--socket or --port required');

const agent = new Agent({ keepAlive: true, maxSockets: conns, maxFreeSockets: conns });
const target = socketPath ? { socketPath } : { host: '127.0.0.1', port };
const headers = { 'Content-Type': 'text/xml', 'Content-Length': body.length, 'User-Agent': 'xend-bench-loadgen' };

let counting = false;
let stopping = false;
let requests = 0;
let errors = 0;
let bytes = 0;
let served = 0;
let firstError = null;
const sockets = new Set();

function once() {
  return new Promise((resolve) => {
    const req = request({ ...target, agent, method: 'POST', path: '/RPC2', headers }, (res) => {
      let size = 0;
      let head = ''; // a fault shows in the first bytes: <methodResponse><fault>
      res.on('data', (c) => {
        size += c.length;
        if (head.length < 256) head += c.toString('latin1', 0, Math.min(c.length, 256));
      });
      res.on('end', () => {
        const ok = res.statusCode === 200 && !head.includes('<fault>') && (expectBytes === null || size === expectBytes);
        if (!ok) {
          errors++;
          firstError ??= `HTTP ${res.statusCode}, ${size} bytes${head.includes('<fault>') ? ', fault' : ''}`;
        } else {
          served++;
          if (counting && !stopping) {
            requests++;
            bytes += size;
          }
        }
        resolve();
      });
      res.on('error', (e) => {
        errors++;
        firstError ??= e.message;
        resolve();
      });
    });
    req.on('socket', (s) => sockets.add(s));
    req.on('error', (e) => {
      errors++;
      firstError ??= e.message;
      resolve();
    });
    req.end(body);
  });
}

async function client() {
  while (!stopping) {
    await once();
    if (requests >= max) stopping = true;
    if (errors > 100) stopping = true;
  }
}

const loops = Array.from({ length: conns }, client);
await new Promise((r) => setTimeout(r, warmup * 1000));
counting = true;
const t0 = process.hrtime.bigint();
let timer;
await Promise.race([
  new Promise((r) => (timer = setTimeout(r, seconds * 1000))),
  (async () => {
    while (!stopping) await new Promise((r) => setTimeout(r, 5));
  })(),
]);
const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
const counted = requests;
const countedBytes = bytes;
stopping = true;
clearTimeout(timer);
await Promise.all(loops);
agent.destroy();
process.stdout.write(
  `${JSON.stringify({
    requests: counted,
    seconds: elapsed,
    rps: counted / elapsed,
    errors,
    firstError,
    connections: sockets.size,
    bytes: countedBytes,
    served,
  })}\n`,
);
