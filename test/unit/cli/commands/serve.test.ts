import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usage, xm } from '../xm.js';

test('xm serve takes no arguments', async () => {
  const r = await xm(['serve', 'now'], {}, { input: '' });
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, "Error: 'xm serve' requires 0 arguments.\n\n", usage('serve')]);
});

test("xm serve without a local xend: xm's words, where it looked, and nothing on the wire", async () => {
  const r = await xm(['serve'], {}, { input: 'POST /RPC2 HTTP/1.1\r\nContent-Length: 0\r\n\r\n', env: { XEND_ROOT: '/nonexistent/xend-root' } });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.equal(
    r.stderr,
    'Error: Unable to connect to xend: No such file or directory. Is xend running?\nxm serve looked for xend at httpu:///nonexistent/xend-root/var/run/xend/xmlrpc.sock.\n',
  );
});
