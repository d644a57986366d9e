// The expression that passes over a listing's unwanted children (src/protocol/xmlrpc/child-run.ts),
// alone and inside the reader: it takes what the reader's own steps take, or nothing.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ListingChildren } from '../../../../src/protocol/xmlrpc/child-run.js';
import { decodeResponse, encodeResponse, encodeValue, XmlRpcDecodeError, type XmlRpcValue } from '../../../../src/protocol/xmlrpc/index.js';
import { PyFloat } from '../../../../src/sxp/float.js';

const keys = ['domid', 'name', 'cpu_time', 'a.b'];
/** The children as the encoder writes them, one after the other, and where each begins. */
function written(children: XmlRpcValue[]): { text: string; starts: number[] } {
  const starts: number[] = [];
  let text = '';
  for (const c of children) {
    starts.push(text.length);
    text += `${encodeValue(c)}\n`;
  }
  return { text, starts };
}
/** From `at`: past the run of children not wanted, and the wanted child there read, if any. */
function runFrom(text: string, at: number, wanted = keys): { end: number; read?: XmlRpcValue[] } {
  const children = new ListingChildren(wanted);
  const end = children.skip(text, at);
  const read = children.read(text, end);
  return read ? { end: children.end, read } : { end };
}

describe('ListingChildren', () => {
  test('passes over unwanted children, nested ones too, and reads the wanted scalar child after them', () => {
    const { text, starts } = written([
      ['on_crash', 'restart'],
      ['image', ['linux', ['videoram', 4], ['kernel', '/k']]],
      ['cpus', [[], [1, [2]]]],
      ['shadow', 0],
      ['name', 'vm1'],
      ['domid', 7],
      ['cpu_time', 1.25],
      ['state', '-b----'],
    ]);
    assert.deepEqual(runFrom(text, 0), { end: starts[5], read: ['name', 'vm1'] });
    assert.deepEqual(runFrom(text, starts[5]!), { end: starts[6], read: ['domid', 7] });
    assert.deepEqual(runFrom(text, starts[6]!), { end: starts[7], read: ['cpu_time', 1.25] });
    assert.deepEqual(runFrom(text, starts[7]!), { end: text.length });
  });

  test('stops, taking nothing, where the reader must look: a value not plain, a key or text to decode, deeper nesting', () => {
    const stops: XmlRpcValue[] = [
      ['name', ['vm1']], // a wanted child of another form
      ['name'],
      ['domid', -7], // an int with a sign, or longer than 15 digits
      ['domid', 1234567890123456],
      ['domid', true],
      ['name', 'a&b'],
      ['name', 'é'],
      ['n&me', 1], // a key with a reference: the reader decodes it
      ['nämé', 1],
      ['deep', [[[[['x']]]]]], // more nesting than the expression follows
      'domain', // not a child [key, …]
      [1, 2],
      [],
    ];
    for (const child of stops) assert.deepEqual(runFrom(`${encodeValue(child)}\n`, 0), { end: 0 }, JSON.stringify(child));
  });

  test("a key's prefix or extension is not the key; a key is matched as written, not as a pattern", () => {
    const { text, starts } = written([['nam', 1], ['names', 2], ['aXb', 3], ['a.b', 4]]);
    assert.deepEqual(runFrom(text, 0), { end: starts[3]! + encodeValue(['a.b', 4]).length + 1, read: ['a.b', 4] });
  });

  test('with no key wanted, every child is passed over; a wanted empty key is read', () => {
    const { text } = written([['', 1], ['name', 'x']]);
    assert.deepEqual(runFrom(text, 0, []), { end: text.length });
    assert.deepEqual(runFrom(text, 0, ['']), { end: encodeValue(['', 1]).length + 1, read: ['', 1] });
  });

  test('a child passed over may have whitespace where the reader allows it; one read has the layout xmlrpclib writes', () => {
    const spaced = (key: string) => `<value><array>\n <data> <value><string>${key}</string></value>\t<value><int>1</int></value> </data>\n</array></value>  `;
    assert.deepEqual(runFrom(spaced('x'), 0), { end: spaced('x').length });
    assert.deepEqual(runFrom(spaced('name'), 0), { end: 0 });
    assert.deepEqual(runFrom('<value> <array><data><value><string>x</string></value></data></array></value>', 0), { end: 0 });
  });

  test('a double is read as the reader reads it: a whole one stays a float', () => {
    const { read } = runFrom(`${encodeValue(['cpu_time', new PyFloat(3)])}\n`, 0);
    assert.ok(read && read[1] instanceof PyFloat && read[1].valueOf() === 3);
  });
});

describe('ListingChildren.records', () => {
  const wanted = ['domid', 'name', 'cpu_time'];
  /** The listing's `<data>` content as the encoder writes it, and where its `</data>` is. */
  const inside = (listing: XmlRpcValue[]) => {
    const text = encodeValue(listing);
    const start = '<value><array><data>\n'.length;
    return { text, start, end: text.lastIndexOf('</data>') };
  };

  test('reads every record of a listing laid out as we write it: its head, then the wanted children in order', () => {
    const listing: XmlRpcValue[] = [
      ['domain', ['domid', 0], ['image', ['linux', ['kernel', '/k']]], ['name', 'Domain-0'], ['cpu_time', new PyFloat(2)], ['name', 'again']],
      ['domain'],
      ['vm', ['on_crash', 'restart']],
    ];
    const { text, start, end } = inside(listing);
    const read = new ListingChildren(wanted).records(text, start);
    assert.deepEqual(read, { records: [['domain', ['domid', 0], ['name', 'Domain-0'], ['cpu_time', new PyFloat(2)], ['name', 'again']], ['domain'], ['vm']], end });
    assert.deepEqual(new ListingChildren(wanted).records(inside([]).text, inside([]).start), { records: [], end: inside([]).end });
  });

  test('gives up, making nothing, where a record is not: the reader then reads the listing its own way', () => {
    const odd: XmlRpcValue[][] = [
      [['domain', ['name', 'a&b']]], // text to decode
      [['dömain', ['domid', 1]]], // a head to decode
      [[['domain'], ['domid', 1]]], // a head that is not a string
      [[1, ['domid', 1]]],
      [['domain', ['domid', -1]]], // a wanted child not plain
      [['domain', ['n&me', 1]]], // a child not passed over
      [[]],
      ['domain'], // not a record
    ];
    for (const listing of odd) {
      const { text, start } = inside(listing);
      assert.equal(new ListingChildren(wanted).records(text, start), undefined, JSON.stringify(listing));
      const keys = new Set(wanted);
      const trimmed = listing.map((r) => (Array.isArray(r) ? r.filter((c) => !Array.isArray(c) || typeof c[0] !== 'string' || keys.has(c[0])) : r));
      assert.deepEqual(decodeResponse(Buffer.from(encodeResponse(listing)), { sxpKeys: keys }), trimmed, `${JSON.stringify(listing)}: as the reader reads it`);
    }
    const spaced = inside([['domain', ['domid', 1]]]);
    assert.equal(new ListingChildren(wanted).records(spaced.text.replace('<data>\n<value><string>domain', '<data> <value><string>domain'), spaced.start), undefined, 'another layout');
  });
});

describe('a listing read through the expression', () => {
  const listing: XmlRpcValue = Array.from({ length: 50 }, (_, i) => [
    'domain',
    ['domid', i],
    ['on_crash', 'restart'],
    ['name', `vm${i}`],
    ['image', ['linux', ['videoram', 4]]],
    ['cpu_time', i + 0.5],
    ['start_time', new PyFloat(1e9 + i)],
    ['deep', [[[[['x']]]]]],
    ['name', 'second'],
  ]);
  const want = (listing as XmlRpcValue[][]).map((d) => d.filter((c) => !Array.isArray(c) || ['domid', 'name', 'cpu_time', 'start_time'].includes(c[0] as string)));

  test('gives what the reader gives, in order, duplicates kept', () => {
    const got = decodeResponse(Buffer.from(encodeResponse(listing)), { sxpKeys: new Set(['domid', 'name', 'cpu_time', 'start_time']) });
    assert.deepEqual(got, want);
    assert.ok(((got as XmlRpcValue[][][])[3]![4]![1]) instanceof PyFloat);
  });

  test("hostile children end in the reader's own steps: passed over by their array tags, or refused; never a crash", () => {
    const deep = `${'<value><array><data>'.repeat(20_000)}${'</data></array></value>'.repeat(20_000)}`;
    const child = `<value><array><data><value><string>x</string></value>${deep}</data></array></value>`;
    const xml = (c: string) => `<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><array><data>\n<value><array><data>\n<value><string>domain</string></value>\n${c}\n</data></array></value>\n</data></array></value>\n</param>\n</params>\n</methodResponse>\n`;
    assert.deepEqual(decodeResponse(Buffer.from(xml(child)), { sxpKeys: new Set(['name']) }), [['domain']]);
    const unbalanced = `<value><array><data><value><string>x</string></value>${'<value><array><data>'.repeat(50_000)}</data></array></value>`;
    assert.throws(() => decodeResponse(Buffer.from(xml(unbalanced)), { sxpKeys: new Set(['name']) }), XmlRpcDecodeError);
    const wide = `<value><array><data><value><string>x</string></value>${'<value><int>1</int></value>'.repeat(200_000)}</data></array></value>`;
    assert.deepEqual(decodeResponse(Buffer.from(xml(wide)), { sxpKeys: new Set(['name']) }), [['domain']]);
  });
});
