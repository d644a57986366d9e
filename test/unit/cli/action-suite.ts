/** The tests every one-domain action (commands/action.ts: destroy, pause, …) passes: its own file names the command. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fault, usage, xm } from './xm.js';

/** `then`: the calls that follow the action's own, as xm 4.4 made them (pause's setpauseflag). */
export function actionSuite(cmd: string, method: string, then: [string, unknown[]][] = []): void {
  const answers = Object.fromEntries([[method, () => 0], ...then.map(([m]) => [m, () => null])]);
  test(`xm ${cmd} DOM: one call, silent; --json says ok`, async () => {
    const r = await xm([cmd, 'web'], answers);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
    assert.deepEqual(r.calls, [[method, ['web']], ...then]);
    const j = await xm([cmd, '--json', 'web'], answers);
    assert.equal(j.stdout, `{"version":1,"ok":true,"command":"${cmd}","domain":"web"}\n`);
  });

  test(`xm ${cmd} needs exactly one domain`, async () => {
    for (const argv of [[], ['a', 'b']]) {
      const r = await xm([cmd, ...argv]);
      assert.deepEqual([r.code, r.stderr, r.stdout, r.calls], [1, `Error: 'xm ${cmd}' requires 1 argument.\n\n`, usage(cmd), []]);
    }
  });

  test(`xm ${cmd}: an unknown domain is exit status 3; xend's refusal comes with the usage`, async () => {
    const gone = await xm([cmd, 'ghost'], { [method]: (d: string) => fault(3, d) });
    assert.deepEqual([gone.code, gone.stderr, gone.stdout], [3, "Error: Domain 'ghost' does not exist.\n", '']);
    const refused = await xm([cmd, 'web'], { [method]: () => fault(1, 'not now') });
    assert.deepEqual([refused.code, refused.stderr, refused.stdout], [1, 'Error: not now\n', usage(cmd)]);
  });
}
