// An array with its encoding kept (src/protocol/xmlrpc/kept.ts): the same bytes as the plain array, whatever the live element.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeptArray, encodeResponse, encodeResponseParts, encodeValue, keepResponse, keptList, keptResponse, retireList, trimmedList, type XmlRpcValue } from '../../../../src/protocol/xmlrpc/index.js';
import { trimRecord } from '../../../../src/protocol/xmlrpc/kept.js';
import { PyFloat } from '../../../../src/sxp/float.js';

const record: XmlRpcValue[] = ['domain', ['domid', 3], ['name', 'a<b'], ['cpu_time', 0], ['state', '-b----'], ['uuid', 'é']];
const bytes = (parts: (string | Buffer)[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))).toString('utf8');

test('a kept list encodes as the plain list does, with each live element current', () => {
  const kept = new KeptArray(record, 3);
  for (const live of [['cpu_time', 12.5], ['cpu_time', new PyFloat(3)], ['cpu_time', 1e-7]] as XmlRpcValue[]) {
    const a = kept.with(live);
    const plain = record.map((x, i) => (i === 3 ? live : x));
    assert.deepEqual(a, plain);
    const list = keptList([a, 'x', a], [kept, undefined, kept]);
    assert.deepEqual(list, [plain, 'x', plain]);
    assert.equal(encodeValue(list), encodeValue([plain, 'x', plain]));
    assert.equal(encodeResponse(list), encodeResponse([plain, 'x', plain]));
    assert.equal(bytes(encodeResponseParts(list)), encodeResponse([plain, 'x', plain]));
    assert.equal(bytes(encodeResponseParts([list])), encodeResponse([[plain, 'x', plain]]));
  }
});

test('a live element encoded last time is written again, a new one encoded', () => {
  const kept = new KeptArray(record, 3);
  const a = kept.with(['cpu_time', 1.5]);
  const encoded: XmlRpcValue[] = [];
  const encode = (v: XmlRpcValue) => (encoded.push(v), encodeValue(v));
  assert.equal(kept.liveEncoding(a, encode), encodeValue(['cpu_time', 1.5]));
  assert.equal(kept.liveEncoding(a, encode), encodeValue(['cpu_time', 1.5]));
  assert.equal(kept.liveEncoding(kept.with(['cpu_time', 1.5]), encode), encodeValue(['cpu_time', 1.5]));
  assert.equal(encoded.length, 2);
});

test('the fixed elements are encoded once, and an array it made cannot be changed to disagree', () => {
  const kept = new KeptArray(record, 3);
  const first = kept.encoding(encodeValue);
  assert.equal(kept.encoding(() => assert.fail('encoded again')), first);
  const a = kept.with(['cpu_time', 1]);
  const list = keptList([a], [kept]);
  for (const frozen of [a, list]) {
    assert.ok(Object.isFrozen(frozen));
    assert.throws(() => (frozen as XmlRpcValue[]).push('more'), TypeError);
  }
});

test('the live element must be inside the array', () => {
  assert.throws(() => new KeptArray(record, record.length), RangeError);
  assert.throws(() => new KeptArray(record, -1), RangeError);
});

test("a kept list's whole response is kept with it; no other value has one", () => {
  const kept = new KeptArray(record, 3);
  const list = keptList([kept.with(['cpu_time', 2.5])], [kept]);
  assert.equal(keptResponse(list), undefined);
  const response = Buffer.from(bytes(encodeResponseParts(list)));
  assert.equal(keepResponse(list, response, () => assert.fail('not retired')), true);
  assert.equal(keptResponse(list), response);
  assert.equal(keptResponse(keptList([kept.with(['cpu_time', 2.5])], [kept])), undefined, 'each list its own');
  for (const v of [[1, 2], 'x', null, { a: 1 }] as XmlRpcValue[]) {
    assert.equal(keepResponse(v, response, () => assert.fail('never kept')), false);
    assert.equal(keptResponse(v), undefined);
    retireList(v);
  }
});

test('a retired list gives its response back, once, and keeps none after', () => {
  const kept = new KeptArray(record, 3);
  const list = keptList([kept.with(['cpu_time', 2.5])], [kept]);
  const response = Buffer.from(bytes(encodeResponseParts(list)));
  let givenBack = 0;
  keepResponse(list, response, () => givenBack++);
  retireList(list);
  retireList(list);
  assert.equal(givenBack, 1);
  assert.equal(keptResponse(list), undefined);
  assert.equal(keepResponse(list, response, () => givenBack++), false, 'retired: nothing kept');
  assert.equal(keptResponse(list), undefined);
  assert.equal(encodeResponse(list), encodeResponse([record.map((x, i) => (i === 3 ? ['cpu_time', 2.5] : x))]), 'it still encodes');
});

test('a record trimmed keeps its head, the children of the keys and every child not headed by a string', () => {
  const odd: XmlRpcValue[] = ['domain', ['domid', 3], [7, 'x'], [], 'loose', ['image', ['linux', ['kernel', '/k']]], ['name', 'a']];
  assert.deepEqual(trimRecord(odd, new Set(['name', 'kernel'])), ['domain', [7, 'x'], [], 'loose', ['name', 'a']]);
  assert.deepEqual(trimRecord(odd, new Set()), ['domain', [7, 'x'], [], 'loose']);
});

test('a trimmed list encodes as the trimmed plain list, live elements current, and is made once per listing and keys', () => {
  const kept = new KeptArray(record, 3);
  const inactive: XmlRpcValue[] = ['domain', ['domid', -1], ['name', 'off'], ['cpu_time', 0.0]];
  const keys = new Set(['name', 'cpu_time']);
  for (const live of [['cpu_time', 12.5], ['cpu_time', new PyFloat(3)]] as XmlRpcValue[]) {
    const list = keptList([kept.with(live), inactive, 'x'], [kept, undefined, undefined]);
    const trimmed = trimmedList(list, keys) as XmlRpcValue[];
    const plain = [['domain', ['name', 'a<b'], live], ['domain', ['name', 'off'], ['cpu_time', 0.0]], 'x'];
    assert.deepEqual(trimmed, plain);
    assert.equal(bytes(encodeResponseParts(trimmed)), encodeResponse(plain));
    assert.ok(Object.isFrozen(trimmed));
    assert.equal(trimmedList(list, new Set(['name', 'cpu_time'])), trimmed, 'the same keys: the same list');
    assert.deepEqual(trimmedList(list, new Set(['domid'])), [['domain', ['domid', 3]], ['domain', ['domid', -1]], 'x'], 'without the live element');
  }
  for (const v of [[['domain', ['a', 1]]], 'x', null] as XmlRpcValue[]) assert.equal(trimmedList(v, keys), v, 'not a kept list: as it is');
});

test("a trimmed list's response is kept with it and retired with the listing; one made of a retired listing keeps none", () => {
  const kept = new KeptArray(record, 3);
  const list = keptList([kept.with(['cpu_time', 2.5])], [kept]);
  const trimmed = trimmedList(list, new Set(['name']));
  let givenBack = 0;
  assert.equal(keepResponse(trimmed, Buffer.from(bytes(encodeResponseParts(trimmed as XmlRpcValue))), () => givenBack++), true);
  retireList(list);
  assert.equal(givenBack, 1);
  assert.equal(keptResponse(trimmed), undefined);
  const late = trimmedList(list, new Set(['uuid']));
  assert.equal(keepResponse(late, Buffer.from('x'), () => assert.fail('never kept')), false);
});

test('a listing keeps the trims of the last four key sets asked (clients alternate them); a fifth retires the oldest', () => {
  const kept = new KeptArray(record, 3);
  const list = keptList([kept.with(['cpu_time', 2.5])], [kept]);
  const sets = [['name'], ['uuid'], ['domid', 'name'], ['state'], ['cpu_time']].map((k) => new Set(k));
  const made = sets.slice(0, 4).map((keys) => trimmedList(list, keys));
  let givenBack = 0;
  for (const t of made) keepResponse(t, Buffer.from('x'), () => givenBack++);
  sets.slice(0, 4).forEach((keys, i) => assert.equal(trimmedList(list, keys), made[i], `set ${i} again: the same list`));
  assert.equal(givenBack, 0);
  trimmedList(list, sets[4]!);
  assert.equal(givenBack, 1, 'the oldest trim retired');
  assert.equal(keptResponse(made[0]), undefined);
  assert.notEqual(trimmedList(list, sets[0]!), made[0], 'made anew');
  retireList(list);
  assert.equal(givenBack, 4, 'the rest retired with the listing');
});
