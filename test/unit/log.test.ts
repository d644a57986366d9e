import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XendLog, asctime, timestamp } from '../../src/daemon/log.js';

test("lines in xend's format, level threshold honoured", () => {
  const dir = mkdtempSync(join(tmpdir(), 'log-'));
  try {
    const log = new XendLog(join(dir, 'xend.log'), 'INFO');
    const l = log.logger('XendDomain');
    l.debug('hidden');
    l.info('shown');
    l.warning('careful');
    log.close();
    const lines = readFileSync(join(dir, 'xend.log'), 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, new RegExp(`^\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d ${process.pid}\\] INFO \\(XendDomain:\\d+\\) shown$`));
    assert.match(lines[1]!, / WARNING \(XendDomain:\d+\) careful$/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('the line number is that of the code that logged', () => {
  const dir = mkdtempSync(join(tmpdir(), 'log-'));
  try {
    const log = new XendLog(join(dir, 'xend.log'), 'INFO');
    const l = log.logger('XendDomain');
    // prettier-ignore
    const line = (l.info('here'), Number(/log\.test\.js:(\d+)/.exec(new Error().stack!)![1]));
    log.close();
    assert.match(readFileSync(join(dir, 'xend.log'), 'utf8'), new RegExp(` INFO \\(XendDomain:${line}\\) here\n$`));
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('rotates like RotatingFileHandler: before the write that would pass the limit, keeping .1 … .5', () => {
  const dir = mkdtempSync(join(tmpdir(), 'log-'));
  try {
    const path = join(dir, 'xend.log');
    const log = new XendLog(path, 'DEBUG', 1024, 5);
    const l = log.logger('t');
    for (let i = 0; i < 200; i++) l.info(`message number ${i} ${'x'.repeat(40)}`);
    log.close();
    for (let i = 1; i <= 5; i++) {
      assert.ok(existsSync(`${path}.${i}`), `.${i}`);
      assert.ok(statSync(`${path}.${i}`).size <= 1024);
    }
    assert.equal(existsSync(`${path}.6`), false);
    assert.ok(statSync(path).size <= 1024);
    assert.match(readFileSync(path, 'utf8'), /message number 199 /);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('a batch writes its lines when it ends, each file of a rotation as it would be unbatched', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'log-'));
  try {
    const [one, two] = [join(dir, 'one.log'), join(dir, 'two.log')];
    const [plain, batched] = [new XendLog(one, 'DEBUG', 1024, 5), new XendLog(two, 'DEBUG', 1024, 5)];
    const message = (i: number) => `message number ${i} ${'x'.repeat(40)}`;
    for (let i = 0; i < 50; i++) plain.logger('t').info(message(i));
    await batched.batch(async () => {
      batched.logger('t').info(message(0));
      assert.equal(readFileSync(two, 'utf8'), '', 'held while the batch runs');
      for (let i = 1; i < 50; i++) batched.logger('t').info(message(i));
    });
    const strip = (text: string) => text.replace(/^\[[^\]]*\] INFO \(t:\d+\) /gm, '');
    for (const suffix of ['', '.1', '.2']) assert.equal(strip(readFileSync(`${two}${suffix}`, 'utf8')), strip(readFileSync(`${one}${suffix}`, 'utf8')), `xend.log${suffix}`);
    batched.logger('t').info('after');
    assert.match(readFileSync(two, 'utf8'), /after\n$/, 'written at once again');
    plain.close();
    batched.close();
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('timestamps and asctime', () => {
  const d = new Date(2011, 2, 6, 5, 4, 3);
  assert.equal(timestamp(d), '2011-03-06 05:04:03');
  assert.equal(asctime(d), 'Sun Mar  6 05:04:03 2011');
});
