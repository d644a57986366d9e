import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, eventually, type TestXend } from './xend.js';
import { INVALID_NAME } from '../../src/protocol/domain.js';
import { startXendOver, type TransportName } from './transports.js';

const HEADER = 'Name                                        ID   Mem VCPUs      State   Time(s)\n';
const ROW = /^(\S+) +(\d*) +(\d+) +(\d+) +([-rbpscd]{6})? +(\d+\.\d)$/;

function rows(out: string) {
  return out
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => {
      const m = ROW.exec(l);
      assert.ok(m, `not an xm list row: ${JSON.stringify(l)}`);
      return { name: m[1]!, id: m[2]!, mem: Number(m[3]), vcpus: Number(m[4]), state: m[5] ?? '' };
    });
}

/**
 * Every everyday command, positive and negative, through the real binaries
 * against a real xend: one suite, run once per transport (commands-<transport>.test.ts).
 */
export function commandSuite(transport: TransportName): void {
  describe(`xm over ${transport}`, () => {
    let x: TestXend;
    before(async () => {
      x = await startXendOver(transport, '(dom0-min-mem 196)\n(enable-dom0-ballooning yes)\n(sim-host-memory 2048)\n');
    });
    after(() => x.dispose());

    test('list: header and Domain-0 row byte for byte in their columns', async () => {
      const r = await x.xm('list');
      assert.equal(r.code, 0);
      assert.ok(r.stdout.startsWith(HEADER));
      const line = r.stdout.split('\n')[1]!;
      assert.match(line, /^Domain-0 {37}0 {3}512 {5}4 {5}r----- +\d+\.\d$/);
      assert.equal(line.length, 78, 'time is %8.1f under a 9-wide header');
    });

    test('create from VAR=VAL, then list shows it blocked with its memory and vcpus', async () => {
      const r = await x.xm('create', '/dev/null', 'name=web1', 'memory=256', 'vcpus=2');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Using config file "\/dev\/null"\.\nStarted domain web1 \(id=\d+\)\n$/);
      const web = rows((await x.xm('list', 'web1')).stdout)[0]!;
      assert.deepEqual({ ...web, id: '' }, { name: 'web1', id: '', mem: 256, vcpus: 2, state: '-b----' });
    });

    test('create -p leaves it paused; pause/unpause change the state letters', async () => {
      assert.equal((await x.xm('create', '-p', '/dev/null', 'name=db1', 'memory=128')).code, 0);
      assert.equal(rows((await x.xm('list', 'db1')).stdout)[0]!.state, '--p---');
      // Never run: no CPU time yet, still a float as xend had it.
      assert.match((await x.xm('list', '--long', 'db1')).stdout, /^ {4}\(cpu_time 0\.0\)$/m);
      assert.equal((await x.xm('unpause', 'db1')).code, 0);
      assert.equal(rows((await x.xm('list', 'db1')).stdout)[0]!.state, '-b----');
      assert.equal((await x.xm('pause', 'db1')).code, 0);
      assert.equal(rows((await x.xm('list', 'db1')).stdout)[0]!.state, '--p---');
      const paused = rows((await x.xm('list', '--state=paused')).stdout).map((d) => d.name);
      assert.deepEqual(paused, ['db1']);
      assert.equal((await x.xm('unpause', 'db1')).code, 0);
    });

    test('list is sorted by name; list d1 d2 keeps argument order', async () => {
      const names = rows((await x.xm('list')).stdout).map((d) => d.name);
      assert.deepEqual(names, [...names].sort());
      const picked = rows((await x.xm('list', 'web1', 'Domain-0')).stdout).map((d) => d.name);
      assert.deepEqual(picked, ['web1', 'Domain-0']);
    });

    test('unknown domain: Error and exit 3 for every domain command', async () => {
      for (const args of [['list', 'nope'], ['destroy', 'nope'], ['pause', 'nope'], ['unpause', 'nope'], ['shutdown', 'nope'], ['reboot', 'nope'], ['domid', 'nope'], ['domname', '4242']]) {
        const r = await x.xm(...args);
        assert.equal(r.code, 3, `${args.join(' ')}: ${r.stderr}`);
        assert.equal(r.stderr, `Error: Domain '${args[1]}' does not exist.\n`);
        assert.equal(r.stdout, '');
      }
    });

    test('domid and domname convert both ways', async () => {
      const id = (await x.xm('domid', 'web1')).stdout.trim();
      assert.match(id, /^\d+$/);
      assert.equal((await x.xm('domname', id)).stdout, 'web1\n');
      assert.equal((await x.xm('domid', 'Domain-0')).stdout, '0\n');
    });

    test('Domain-0 refusals leave it running', async () => {
      const cases: [string[], string][] = [
        [['destroy', '0'], 'Cannot destroy privileged domain 0'],
        [['pause', 'Domain-0'], 'Cannot pause privileged domain 0'],
        [['shutdown', 'Domain-0'], 'Domain 0 cannot be shutdown'],
      ];
      for (const [args, message] of cases) {
        const r = await x.xm(...args);
        assert.equal(r.code, 1);
        assert.equal(r.stderr, `Error: ${message}\n`);
        assert.match(r.stdout, new RegExp(`^Usage: xm ${args[0]} `));
      }
      assert.equal(rows((await x.xm('list', '0')).stdout)[0]!.state, 'r-----');
    });

    test('duplicate name is refused and nothing changes', async () => {
      const before = (await x.xm('list')).stdout.replace(/\d+\.\d$/gm, '');
      const r = await x.xm('create', '/dev/null', 'name=web1', 'memory=64');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^Error: Domain 'web1' already exists with ID '\d+'\n$/);
      assert.equal((await x.xm('list')).stdout.replace(/\d+\.\d$/gm, ''), before);
    });

    test('too little memory: dom0 balloons down to dom0-min-mem, then creation is refused', async () => {
      const r = await x.xm('create', '/dev/null', 'name=big', 'memory=1800');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^Error: Not enough memory is available, and dom0 cannot be shrunk any further\n1800 MiB needed, \d+ MiB free; Domain-0 has \d+ MiB and keeps at least 196 MiB \(dom0-min-mem\)\n$/);
      assert.equal((await x.xm('list', 'big')).code, 3);
      const ok = await x.xm('create', '/dev/null', 'name=mid', 'memory=1300');
      assert.equal(ok.code, 0, ok.stderr);
      const dom0 = rows((await x.xm('list', '0')).stdout)[0]!;
      assert.ok(dom0.mem < 512 && dom0.mem >= 196, `dom0 ballooned to ${dom0.mem}`);
      assert.equal((await x.xm('destroy', 'mid')).code, 0);
    });

    test('bad input: invalid name, zero vcpus', async () => {
      const bad = await x.xm('create', '/dev/null', 'name=bad name', 'memory=64');
      assert.equal(bad.code, 1);
      assert.equal(bad.stderr, `Error: ${INVALID_NAME}\n`);
      const sxp = x.writeFile('zero.sxp', '(vm (name z) (memory 64) (vcpus 0))\n');
      const zero = await x.xm('create', '-F', sxp);
      assert.equal(zero.code, 1);
      assert.equal(zero.stderr, 'Error: Zero or less VCPUs is invalid\n');
      const nomem = await x.xm('create', '/dev/null', 'name=z', 'memory=abc');
      assert.equal(nomem.stderr, 'Error: Invalid value: abc\n');
      assert.equal((await x.xm('list', 'z')).code, 3);
    });

    test('shutdown -w waits until the domain is gone', async () => {
      assert.equal((await x.xm('create', '/dev/null', 'name=going', 'memory=64')).code, 0);
      const r = await x.xm('shutdown', '-w', 'going');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'Domain going terminated\nAll domains terminated\n');
      assert.equal((await x.xm('list', 'going')).code, 3);
    });

    test('options may follow the domain; -H and -R together are refused', async () => {
      const r = await x.xm('shutdown', 'web1', '-H', '-R');
      assert.equal(r.code, 1);
      assert.equal(r.stderr, "Error: Can't specify halt and reboot\n");
      const none = await x.xm('shutdown', '-w');
      assert.equal(none.stderr, 'Error: No domain parameter given\n');
      assert.equal((await x.xm('shutdown')).stderr, "Error: 'xm shutdown' requires between 1 and 4 arguments.\n\n");
      const two = await x.xm('shutdown', 'a', 'b');
      assert.equal(two.stderr, 'Error: No multiple domain parameters allowed\n');
    });

    test('reboot -w: same name, new id, restart recorded', async () => {
      assert.equal((await x.xm('create', '/dev/null', 'name=bouncer', 'memory=64')).code, 0);
      const id = (await x.xm('domid', 'bouncer')).stdout.trim();
      const r = await x.xm('reboot', '-w', 'bouncer');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'Domain bouncer rebooted\nAll domains rebooted\n');
      assert.notEqual((await x.xm('domid', 'bouncer')).stdout.trim(), id);
    });

    test('shutdown -w --timeout exits 124 when the guest does not finish in time', async () => {
      assert.equal((await x.xm('create', '-p', '/dev/null', 'name=stuck', 'memory=64')).code, 0);
      // A paused guest cannot act on the request.
      const r = await x.xm('shutdown', '-w', '--timeout', '0.5', 'stuck');
      assert.equal(r.code, 124);
      assert.equal(r.stderr, 'Domain stuck is paused; it will shut down when unpaused.\nError: Timed out after 0.5 seconds waiting for stuck\n');
      assert.equal(rows((await x.xm('list', 'stuck')).stdout)[0]!.state, '--p---');
      assert.equal((await x.xm('unpause', 'stuck')).code, 0);
      await eventually(async () => (await x.xm('list', 'stuck')).code === 3);
    });

    test('on_poweroff=preserve keeps the domain in the shutdown state', async () => {
      assert.equal((await x.xm('create', '/dev/null', 'name=keep', 'memory=64', 'on_poweroff=preserve')).code, 0);
      const r = await x.xm('shutdown', '-w', 'keep');
      assert.equal(r.code, 0);
      assert.equal(rows((await x.xm('list', 'keep')).stdout)[0]!.state, '---s--');
      assert.equal((await x.xm('destroy', 'keep')).code, 0);
    });

    test('destroy removes the domain at once and gives its memory back', async () => {
      assert.equal((await x.xm('create', '/dev/null', 'name=gone', 'memory=64')).code, 0);
      assert.equal((await x.xm('destroy', 'gone')).stdout, '');
      assert.equal((await x.xm('list', 'gone')).code, 3);
    });

    test('unique prefixes and deprecated aliases', async () => {
      const li = await x.xm('li');
      assert.equal(li.code, 0);
      assert.ok(li.stdout.startsWith(HEADER));
      const bad = await x.xm('l');
      assert.equal(bad.code, 1);
      assert.equal(bad.stderr, "Error: Subcommand l not found!\n'l' is ambiguous: list, log, labels.\n");
      const typo = await x.xm('lsit');
      assert.deepEqual([typo.code, typo.stderr], [1, "Error: Subcommand lsit not found!\nDid you mean 'list'?\n"]);
      assert.ok(typo.stdout.startsWith('Usage: xm <subcommand> [args]'), "xm's short help follows, as xm printed it");
      const alias = await x.xm('balloon', 'web1', '200');
      assert.equal(alias.code, 0, alias.stderr);
      assert.equal(alias.stderr, 'Command balloon is deprecated.  Please use xm mem-set instead.\n');
      assert.equal(rows((await x.xm('list', 'web1')).stdout)[0]!.mem, 200);
    });

    test('usage errors: getopt texts, arg counts, exit 1 and the usage on stdout', async () => {
      const r = await x.xm('list', '-x');
      assert.equal(r.code, 1);
      assert.equal(r.stderr, 'Error: option -x not recognized\n');
      assert.match(r.stdout, /^Usage: xm list \[options\] \[Domain, \.\.\.\]\n\nList information about all\/some domains\.\n  -l, --long {21}Output all VM details in SXP/);
      const n = await x.xm('destroy');
      assert.equal(n.code, 1);
      assert.equal(n.stderr, "Error: 'xm destroy' requires 1 argument.\n\n");
      const both = await x.xm('list', '--state=running', 'web1');
      assert.equal(both.stderr, 'Error: You may specify either a state or a particular VM, but not both\n');
      const long = await x.xm('list', '--lo', '--stat');
      assert.equal(long.stderr, 'Error: option --state requires argument\n');
    });

    test('help: xm alone exits 1, xm help exits 0, <cmd> --help exits 1', async () => {
      const alone = await x.xm();
      assert.equal(alone.code, 1);
      assert.match(alone.stdout, /^Usage: xm <subcommand> \[args\]\n\nControl, list, and manipulate Xen guest instances\.\n\nCommon 'xm' commands:\n/);
      const help = await x.xm('help');
      assert.equal(help.code, 0);
      assert.match(help.stdout, /^ list {17}List information about all\/some domains\. {10}$/m);
      const cmd = await x.xm('shutdown', '--help');
      assert.equal(cmd.code, 1);
      assert.match(cmd.stdout, /^Usage: xm shutdown <Domain> \[-waRH\]\n/);
    });

    test('list --long prints SXP; --json one document with runtime state', async () => {
      const l = await x.xm('list', '-l', 'web1');
      assert.match(l.stdout, /^\(domain\n    \(domid \d+\)\n/);
      assert.match(l.stdout, /\n    \(name web1\)\n/);
      assert.match(l.stdout, /\n\)\n$/);
      const j = JSON.parse((await x.xm('list', '--json')).stdout);
      assert.equal(j.version, 1);
      const web = j.domains.find((d: { name: string }) => d.name === 'web1');
      assert.equal(web.memory_mib, 200);
      assert.equal(web.power_state, 'running');
      assert.equal(typeof web.cpu_time_s, 'number');
      assert.ok(web.uptime_s >= 0);
      const err = await x.xm('--json', 'list', 'nope');
      assert.equal(err.code, 3);
      assert.deepEqual(JSON.parse(err.stdout), { version: 1, error: { type: 'unknown-domain', message: "Domain 'nope' does not exist.", exit: 3 } });
    });

    test('info, dmesg, log, uptime, vcpu-list, vcpu-set, rename', async () => {
      const info = await x.xm('info');
      assert.match(info.stdout, /^host {19}: \S+\n/);
      assert.match(info.stdout, /^total_memory {11}: 2048$/m);
      assert.match(info.stdout, /^xend_config_format {5}: 4$/m);
      assert.match(info.stdout, /^cc_compiler {12}: gcc version /m);
      const cfg = await x.xm('info', '-c');
      assert.match(cfg.stdout, /^dom0-min-mem {26}: 196$/m);
      assert.match((await x.xm('dmesg')).stdout, /^\(XEN\) Xen version 4\.4\.4/);
      assert.match((await x.xm('log')).stdout, /Xend Daemon started/);
      const up = await x.xm('uptime', 'web1');
      assert.match(up.stdout, /^Name {32}ID Uptime \nweb1 +\d+ +\d+:\d\d:\d\d\n$/);
      assert.equal((await x.xm('vcpu-set', 'web1', '1')).code, 0);
      const v = await x.xm('vcpu-list', 'web1');
      assert.match(v.stdout, /^Name {28} +ID  VCPU   CPU State   Time\(s\) CPU Affinity\n/);
      assert.match(v.stdout, /\nweb1 +\d+ +0 +\d+ +-b- +\d+\.\d any cpu\nweb1 +\d+ +1 +- +--p +0\.0 any cpu\n$/);
      assert.equal((await x.xm('vcpu-set', 'web1', 'x')).stderr, 'Error: Invalid argument.\n');
      assert.equal((await x.xm('vcpu-set', 'web1', '9')).stderr, 'Error: Cannot set vcpus greater than max vcpus on running domain\n');
      assert.equal((await x.xm('rename', 'web1', 'web2')).code, 0);
      assert.equal((await x.xm('list', 'web2')).code, 0);
      assert.equal((await x.xm('rename', 'web2', 'bad name')).stderr, `Error: ${INVALID_NAME}\n`);
    });

    test('save and restore through the save directory; over TCP a file elsewhere is refused and the domain runs on', async () => {
      assert.equal((await x.xm('create', '/dev/null', 'name=saver', 'memory=64')).code, 0);
      const file = x.path('var/lib/xen/save/saver.chk');
      const saved = await x.xm('save', 'saver', file);
      assert.equal(saved.code, 0, saved.stderr);
      assert.equal((await x.xm('list', 'saver')).code, 3, 'a save without -c stops the domain');
      const restored = await x.xm('restore', file);
      assert.equal(restored.code, 0, restored.stderr);
      assert.equal(rows((await x.xm('list', 'saver')).stdout)[0]!.state, '-b----');
      const elsewhere = await x.xm('save', '-c', 'saver', x.path('elsewhere.chk'));
      if (/-(tcp|tls)$/.test(transport)) {
        assert.equal(elsewhere.code, 1);
        assert.match(elsewhere.stderr, /^Error: \/.*\/elsewhere\.chk: a client other than root may only use files in \/.*\/var\/lib\/xen\/save \(xend-save-path\), and no symlinks\n$/);
        assert.equal(existsSync(x.path('elsewhere.chk')), false, 'nothing was written');
        assert.equal(rows((await x.xm('list', 'saver')).stdout)[0]!.state, '-b----', 'the domain runs on');
      } else {
        assert.equal(elsewhere.code, 0, `over a Unix socket any path works, as in xend: ${elsewhere.stderr}`);
      }
      assert.equal((await x.xm('destroy', 'saver')).code, 0);
    });

    test('a closed pipe is not a crash (xm list | head): the client, or the launcher printing help', async () => {
      for (const args of [['--json', 'help'], ['help']]) {
        const child = spawn(process.execPath, [join(REPO, 'bin/xm'), ...args], { env: x.env, stdio: ['ignore', 'pipe', 'pipe'] });
        child.stdout.destroy();
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const code = await new Promise((r) => child.on('close', r));
        assert.deepEqual([code, stderr], [0, ''], args.join(' '));
      }
    });
  });
}
