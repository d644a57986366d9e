import { test } from 'node:test';
import assert from 'node:assert/strict';
import { migrationFailure, migrationHost, relayCommand } from '../../src/hypervisor/xen/migrate.js';

test("xl's -s command: xend's own words quoted for sh, the port an integer", () => {
  assert.equal(relayCommand(['/usr/bin/node', '/opt/x m/bin/xend', '__xl-relay'], 8002, '/var/lib/xend/run/5.migrate'), "/usr/bin/node '/opt/x m/bin/xend' __xl-relay 8002 /var/lib/xend/run/5.migrate");
  assert.equal(relayCommand(['/it\'s/node'], 1, '/r'), "'/it'\\''s/node' 1 /r");
  for (const port of [0, 65536, 1.5, NaN]) assert.throws(() => relayCommand(['/n'], port, '/r'), /invalid relocation port/);
});

test('the destination xl pastes into its shell line is a host name or an IP address', () => {
  for (const ok of ['localhost', 'host-2.example.org', '10.0.0.1', '::1', 'fe80::1']) assert.equal(migrationHost(ok), ok);
  for (const bad of ['', '-oProxyCommand=x', 'a;b', 'a b', '$(id)', 'a`b`', 'a\nb', '-h', 'x'.repeat(254), 'a..b']) {
    assert.throws(() => migrationHost(bad), /migrates live only to a host name or IP address/, bad);
  }
});

test("xl migrate's failure: libxc's first error and xl's last word; the relay's reason before both", () => {
  const pv = [
    'Saving to migration stream new xl format (info 0x3/0x0/856)',
    'xc: info: Saving domain 9, type x86 PV',
    'xc: error: Failed to enable logdirty: 95,22,0 (22 = Invalid argument): Internal error',
    'xc: error: Save failed (22 = Invalid argument): Internal error',
    'migration sender: libxl_domain_suspend failed (rc=-8)',
    'Migration failed, failed to suspend at sender.',
  ];
  assert.equal(migrationFailure(pv), 'Failed to enable logdirty: 95,22,0 (22 = Invalid argument): Internal error\nMigration failed, failed to suspend at sender.');
  assert.equal(
    migrationFailure(['xl-relay: Domain g1 already exists (from h:8002)', 'migration receiver stream contained unexpected data instead of banner']),
    'Domain g1 already exists (from h:8002)\nmigration receiver stream contained unexpected data instead of banner',
  );
});
