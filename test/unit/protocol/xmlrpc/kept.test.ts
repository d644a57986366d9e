// An array with its encoding kept (src/protocol/xmlrpc/kept.ts): the same bytes as the plain array, whatever the live element.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeptArray, encodeResponse, encodeResponseParts, encodeValue, type XmlRpcValue } from '../../../../src/protocol/xmlrpc/index.js';
import { PyFloat } from '../../../../src/sxp/float.js';

const record: XmlRpcValue[] = ['domain', ['domid', 3], ['name', 'a<b'], ['cpu_time', 0], ['state', '-b----'], ['uuid', 'é']];
const bytes = (parts: (string | Buffer)[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))).toString('utf8');

test('a kept array encodes as the plain array does, with the live element current', () => {
  const kept = new KeptArray(record, 3);
  for (const live of [['cpu_time', 12.5], ['cpu_time', new PyFloat(3)], ['cpu_time', 1e-7]] as XmlRpcValue[]) {
    const a = kept.with(live);
    const plain = record.map((x, i) => (i === 3 ? live : x));
    assert.deepEqual(a, plain);
    assert.equal(encodeValue(a), encodeValue(plain));
    assert.equal(encodeResponse(a), encodeResponse(plain));
    assert.equal(bytes(encodeResponseParts([a, 'x', a])), encodeResponse([plain, 'x', plain]));
    assert.equal(bytes(encodeResponseParts(a)), encodeResponse(plain));
  }
});

test('the fixed elements are encoded once, and an array it made cannot be changed to disagree', () => {
  const kept = new KeptArray(record, 3);
  const first = kept.encoding(encodeValue);
  assert.equal(kept.encoding(() => assert.fail('encoded again')), first);
  const a = kept.with(['cpu_time', 1]);
  assert.ok(Object.isFrozen(a));
  assert.throws(() => (a as XmlRpcValue[]).push('more'), TypeError);
});

test('the live element must be inside the array', () => {
  assert.throws(() => new KeptArray(record, record.length), RangeError);
  assert.throws(() => new KeptArray(record, -1), RangeError);
});
