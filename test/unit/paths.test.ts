import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultServerUri, rooted, xendPaths } from '../../src/config/paths.js';

test('every default path lives under XEND_ROOT, joined without a doubled slash', () => {
  assert.equal(rooted('', '/etc/xen'), '/etc/xen');
  assert.equal(rooted('/srv/x', '/etc/xen'), '/srv/x/etc/xen');
  assert.equal(rooted('/srv/x//', '/etc/xen'), '/srv/x/etc/xen');
  assert.equal(rooted('rel', '/var/run/xend.pid'), 'rel/var/run/xend.pid');
  assert.equal(rooted('/', '/etc/xen'), '/etc/xen');
  // Where joining by hand would differ, path.join's answer: `..` is resolved in the text, not through a symlink.
  assert.equal(rooted('/srv/a/../b', '/etc/xen'), '/srv/b/etc/xen');
  assert.equal(rooted('/srv//x/./y/', '/etc/xen'), '/srv/x/y/etc/xen');
  assert.equal(rooted('.', '/etc/xen'), 'etc/xen');
  assert.equal(rooted('..', '/etc/xen'), '../etc/xen');
  assert.equal(rooted('/srv/x.y/..z', '/etc/xen'), '/srv/x.y/..z/etc/xen');
  const p = xendPaths({ XEND_ROOT: '/srv/x/' });
  assert.equal(p.xmlrpcSocket, '/srv/x/var/run/xend/xmlrpc.sock');
  assert.equal(p.configFile, '/srv/x/etc/xen/xend-config.sxp');
  assert.equal(xendPaths({ XEND_ROOT: '/srv/x', XEND_CONFIG: 'my.sxp' }).configFile, 'my.sxp', 'XEND_CONFIG as given');
  assert.equal(defaultServerUri({}), 'httpu:///var/run/xend/xmlrpc.sock');
});
