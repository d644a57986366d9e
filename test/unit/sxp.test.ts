import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  attribute,
  attributes,
  child,
  child0,
  childAt,
  children,
  childValue,
  elementp,
  merge,
  name,
  parseAll,
  parseAllWithLines,
  parseFirst,
  prettyPrint,
  pyNumber,
  PyFloat,
  pyFloat,
  show,
  SxpParseError,
} from '../../src/sxp/index.js';
import type { Sxp } from '../../src/sxp/index.js';

const NUL = '\0';

function parseError(text: string, message: string, line = 1): void {
  assert.throws(
    () => parseAll(text),
    (err: unknown) => err instanceof SxpParseError && err.message === message && err.line === line,
    `${JSON.stringify(text)} ⇒ ${message} (line ${line})`,
  );
}

test('parse: the examples of xend-reference §8', () => {
  const cases: [string, Sxp[] | null][] = [
    ['(xend-port 8000)', [['xend-port', '8000']]],
    [
      "(xend-relocation-hosts-allow '^localhost$ ^localhost\\\\.localdomain$')",
      [['xend-relocation-hosts-allow', '^localhost$ ^localhost\\.localdomain$']],
    ],
    [`(a "b c" 'd"e' "f'g")`, [['a', 'b c', 'd"e', "f'g"]]],
    ['# c\n(a b) ; (c) # tail\n(d)', [['a', 'b'], ';', ['c'], ['d']]],
    ["(vncpasswd '')", [['vncpasswd', '']]],
    ['(a "\\t\\n\\x41\\101\\q")', [['a', '\t\nAA\\']]],
    ['(a (b (c d)) e)', [['a', ['b', ['c', 'd']], 'e']]],
    ['foo bar', ['foo', 'bar']],
    ['()', [[]]],
    ['(a b#c d)', null],
    ['(a,b)', [['a,b']]],
    ['(a=1)', [['a=1']]],
    ['(a[b] c{d})', [['a', '[b', ']', 'c', '{d', '}']]],
    ['(x-y.z:1/2~_ @ -b---- 1.5)', [['x-y.z:1/2~_', '@', '-b----', '1.5']]],
    ['(a "\\0x")', [['a', `${NUL}x`]]],
  ];
  for (const [text, expected] of cases) assert.deepEqual(parseAll(text), expected, text);
});

test('parse: atoms, separators and comments', () => {
  assert.deepEqual(parseAll('0x10 8000 -1'), ['0x10', '8000', '-1'], 'atoms stay strings');
  assert.deepEqual(parseAll(`a"b" 'it''s'`), ['a"b"', 'it', 's'], 'quotes mid-atom are literal');
  assert.deepEqual(parseAll('a<b>c'), ['a', '<b', '>c']);
  assert.deepEqual(parseAll(';;x'), [';', ';x']);
  assert.deepEqual(parseAll('a#b\nc'), ['a', 'c'], 'a comment may start inside an atom');
  assert.deepEqual(parseAll('(a\x01b)'), [['a\x01b']], 'control bytes mid-atom');
  assert.deepEqual(parseAll('(a\u00e9)'), [['a\u00e9']], 'non-ASCII mid-atom');
  assert.deepEqual(parseAll('\t\v\f\r\n(a\tb)'), [['a', 'b']], 'whitespace');
  assert.deepEqual(parseAll('(a(b)c)'), [['a', ['b'], 'c']]);
  assert.deepEqual(parseAll('(a"b c")'), [['a"b', 'c"']]);
  assert.deepEqual(parseAll('"x"y'), ['x', 'y']);
});

test('parse: string escapes', () => {
  const str = (body: string): Sxp => parseFirst(`"${body}"`);
  assert.equal(str('\\a\\b\\t\\n\\v\\f\\r\\\\\\\'\\"'), '\x07\b\t\n\v\f\r\\\'"');
  assert.equal(str('\\x4A'), '@', 'hex letters are mis-valued (A = 0)');
  assert.equal(str('\\xff'), 'U');
  assert.equal(str('\\x0A'), NUL);
  assert.equal(str('\\x1b'), '\x11');
  assert.equal(str('\\x41\\x7e'), 'At', '0x7e read as 7*16+4');
  assert.equal(str('\\1234'), 'S4', 'octal takes at most 3 digits');
  assert.equal(str('\\1'), '\x01', 'octal ended by the closing quote');
  assert.equal(str('\\18'), '\x018');
  assert.equal(str('\\377'), '\xff');
  assert.equal(str('\\q\\z'), '\\\\', 'unknown escape: backslash kept, letter dropped');
  assert.equal(str("it's"), "it's");
  assert.equal(parseFirst("'say \"hi\"'"), 'say "hi"');
  assert.equal(str('a\nb(c)#d'), 'a\nb(c)#d', 'anything goes inside a string');
});

test('parse: end of input', () => {
  assert.equal(parseAll('(a b'), null, 'EOF in an atom drops the open list');
  assert.deepEqual(parseAll('(a)\n(c'), [['a']]);
  assert.equal(parseAll('(a # x'), null, 'EOF in a comment drops the open list');
  assert.deepEqual(parseAll('(a (b c) d'), null);
  assert.deepEqual(parseAll('foo'), ['foo'], 'EOF ends a top-level atom');
  assert.deepEqual(parseAll('(a) # x'), [['a']]);
  assert.equal(parseAll(''), null);
  assert.equal(parseAll('  # nothing\n'), null);
  assert.deepEqual(parseAll('a \x04 b )'), ['a'], 'EOT at token start ends the input');
  assert.deepEqual(parseAll('a\x04b'), ['a\x04b'], 'EOT mid-atom is a character');
  parseError('(a \x04 b)', 'unexpected EOF');
});

test('parse: errors', () => {
  parseError(')', 'syntax error: )');
  parseError('(a)\n(b))', 'syntax error: )', 2);
  parseError('(a "b)', 'unexpected EOF');
  parseError('(a b ', 'unexpected EOF');
  parseError('(x)\n(a\n  (b c)\n', 'unexpected EOF', 2);
  parseError('(a)\n\n(b "c\n\n', 'unexpected EOF', 3);
  parseError('"abc\\', 'unexpected EOF');
  parseError('"\\12', 'unexpected EOF');
  parseError('"\\x4', 'unexpected EOF');
  parseError('(a \xc3\xa9)', 'invalid character: code 195');
  parseError('(a \u00e9)', 'invalid character: code 233');
  parseError('(a \u0142)', 'invalid character: code 197', 1);
  parseError('\n\n\0', 'invalid character: code 0', 3);
  parseError('\x7f', 'invalid character: code 127');
  parseError('"\\x4z"', 'invalid hex escape: \\x4z');
  parseError('"\\xg0"', 'invalid hex escape: \\xg');
  parseError('"\\400"', 'invalid octal escape: out of range 400');
  parseError('(a)\n"\\777"', 'invalid octal escape: out of range 777', 2);
});

test('parse: maxDepth refuses lists nested deeper, at the line of the list too many', () => {
  assert.deepEqual(parseAllWithLines('(a (b (c)))', 3), [{ value: ['a', ['b', ['c']]], line: 1 }]);
  assert.throws(
    () => parseAllWithLines('(a (b))\n(a\n (b (c)))', 2),
    (err: unknown) => err instanceof SxpParseError && err.message === 'lists nested deeper than 2' && err.line === 3,
  );
  assert.equal(parseAllWithLines(`${'('.repeat(100_000)}${')'.repeat(100_000)}`).length, 1, 'no limit by default');
});

test('parse: parseFirst and parseAllWithLines', () => {
  assert.deepEqual(parseFirst(''), [], "from_string('') is []");
  assert.deepEqual(parseFirst('# only a comment'), []);
  assert.deepEqual(parseFirst('(a) (b)'), ['a']);
  assert.equal(parseFirst('x'), 'x');
  assert.deepEqual(parseAllWithLines('(a)\n\n  (b\n c)\nd "e\nf" \'\''), [
    { value: ['a'], line: 1 },
    { value: ['b', 'c'], line: 3 },
    { value: 'd', line: 5 },
    { value: 'e\nf', line: 5 },
    { value: '', line: 6 },
  ]);
  assert.deepEqual(parseAllWithLines(''), []);
});

test('show: the cases of xend-reference §8', () => {
  const cases: [Sxp, string][] = [
    [[], '()'],
    [['a', ['b', 'c'], []], '(a (b c) ())'],
    [5, '5'],
    [-3, '-3'],
    [105443.858723, '105443.858723'],
    [true, 'True'],
    [false, 'False'],
    [4294967296n, "'4294967296'"],
    [null, "'None'"],
    ['', "''"],
    ['a b', "'a b'"],
    ['0,1', "'0,1'"],
    ['a=b', "'a=b'"],
    ['!writable|pae', "'!writable|pae'"],
    ["it's", `"it's"`],
    ['say "hi"', `'say "hi"'`],
    [`a'b"c`, `'a\\'b"c'`],
    ['x\ny', "'x\\ny'"],
    ['a\\b', "'a\\\\b'"],
    ['\t\r\0\x7f\x1b', "'\\t\\r\\x00\\x7f\\x1b'"],
    ['\u00e9', "'\\xe9'"],
    ['\u0142', "'\\xc5\\x82'"],
    ['#', "'#'"],
    ['r-----', 'r-----'],
    ['-b----', '-b----'],
    ['127.0.0.1:5900', '127.0.0.1:5900'],
    ['file:/a/b~c', 'file:/a/b~c'],
    ['Domain-0', 'Domain-0'],
    ['x_y', 'x_y'],
    ['@', '@'],
    ['@@', "'@@'"],
  ];
  for (const [v, expected] of cases) assert.equal(show(v), expected, String(v));
});

test('show: numbers as Python 2 str()', () => {
  const cases: [number, string][] = [
    [0, '0'],
    [-0, '0'],
    [2 ** 60, '1152921504606846976'],
    [0.1, '0.1'],
    [1 / 3, '0.333333333333'],
    [-2.5, '-2.5'],
    [1300000000.12, '1300000000.12'],
    [1234.567891, '1234.567891'],
    [1e-5, '1e-05'],
    [1.5e-7, '1.5e-07'],
    [0.0001, '0.0001'],
    [123456789012.34, '123456789012'.concat('.0')],
    [1234567890123.5, '1.23456789012e+12'],
    [0.9999999999999, '1.0'],
    [123456789012.5, '123456789012.0'],
    [123456789013.5, '123456789014.0'],
    [NaN, 'nan'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
  ];
  for (const [n, expected] of cases) assert.equal(pyNumber(n), expected, String(n));
});

const VM_DRY_RUN = `(vm
    (name guest1)
    (memory 256)
    (on_reboot restart)
    (on_xend_start ignore)
    (on_xend_stop ignore)
    (vcpus 1)
    (oos 1)
    (image
        (linux
            (kernel /boot/vmlinuz-2.6.18-xen)
            (ramdisk /boot/initrd-2.6.18-xen.img)
            (root '/dev/xvda1 ro')
            (videoram 4)
            (args 'console=hvc0')
            (tsc_mode 0)
            (nomigrate 0)
        )
    )
    (s3_integrity 1)
    (device (vbd (uname phy:/dev/vg0/guest1) (dev xvda1) (mode w)))
    (device (vif (bridge xenbr0) (mac 00:16:3e:00:00:01)))
)
`;

const DOMAIN_0 = `(domain
    (domid 0)
    (cpu_weight 256)
    (cpu_cap 0)
    (pool_name Pool-0)
    (bootloader '')
    (vcpus 2)
    (on_poweroff destroy)
    (description '')
    (on_crash restart)
    (uuid 00000000-0000-0000-0000-000000000000)
    (bootloader_args '')
    (name Domain-0)
    (on_reboot restart)
    (maxmem 16777215)
    (memory 1024)
    (shadow_memory 0)
    (features '')
    (on_xend_start ignore)
    (on_xend_stop ignore)
    (start_time 1300000000.12)
    (cpu_time 1234.567891)
    (online_vcpus 2)
    (image (linux (kernel '')))
    (status 2)
    (state r-----)
)
`;

test('prettyPrint: xm create -n example, byte for byte', () => {
  const vm: Sxp = [
    'vm',
    ['name', 'guest1'],
    ['memory', 256],
    ['on_reboot', 'restart'],
    ['on_xend_start', 'ignore'],
    ['on_xend_stop', 'ignore'],
    ['vcpus', 1],
    ['oos', 1],
    [
      'image',
      [
        'linux',
        ['kernel', '/boot/vmlinuz-2.6.18-xen'],
        ['ramdisk', '/boot/initrd-2.6.18-xen.img'],
        ['root', '/dev/xvda1 ro'],
        ['videoram', 4],
        ['args', 'console=hvc0'],
        ['tsc_mode', 0],
        ['nomigrate', 0],
      ],
    ],
    ['s3_integrity', 1],
    ['device', ['vbd', ['uname', 'phy:/dev/vg0/guest1'], ['dev', 'xvda1'], ['mode', 'w']]],
    ['device', ['vif', ['bridge', 'xenbr0'], ['mac', '00:16:3e:00:00:01']]],
  ];
  assert.equal(prettyPrint(vm), VM_DRY_RUN);
  assert.equal(prettyPrint(parseFirst(VM_DRY_RUN)), VM_DRY_RUN, 'parsed back, printed again');
});

test('prettyPrint: xm list -l Domain-0 example, byte for byte', () => {
  const dom0: Sxp = [
    'domain',
    ['domid', 0],
    ['cpu_weight', 256],
    ['cpu_cap', 0],
    ['pool_name', 'Pool-0'],
    ['bootloader', ''],
    ['vcpus', 2],
    ['on_poweroff', 'destroy'],
    ['description', ''],
    ['on_crash', 'restart'],
    ['uuid', '00000000-0000-0000-0000-000000000000'],
    ['bootloader_args', ''],
    ['name', 'Domain-0'],
    ['on_reboot', 'restart'],
    ['maxmem', 16777215],
    ['memory', 1024],
    ['shadow_memory', 0],
    ['features', ''],
    ['on_xend_start', 'ignore'],
    ['on_xend_stop', 'ignore'],
    ['start_time', 1300000000.12],
    ['cpu_time', 1234.567891],
    ['online_vcpus', 2],
    ['image', ['linux', ['kernel', '']]],
    ['status', 2],
    ['state', 'r-----'],
  ];
  assert.equal(prettyPrint(dom0), DOMAIN_0);
});

test('prettyPrint: width rules', () => {
  const atoms = (n: number): Sxp[] => Array.from({ length: n }, (_, i) => `a${i}`);
  assert.equal(prettyPrint(['x', 'y'.repeat(76)]), `(x ${'y'.repeat(76)})\n`, 'exactly 80 columns fits');
  assert.equal(prettyPrint(['x', 'y'.repeat(77)]), `(x\n    ${'y'.repeat(77)}\n)\n`);
  assert.equal(prettyPrint(['a', 'b', 'c'], 6), '(a\n    b\n    c\n)\n');
  assert.equal(prettyPrint(['a', 'b', 'c'], 7), '(a b c)\n');
  assert.equal(prettyPrint(['z'.repeat(10)], 5), `(${'z'.repeat(10)}\n)\n`, 'one element: ) on its own line');
  assert.equal(prettyPrint([['a', 'b'], 'c'], 8), '((a b)\n    c\n)\n', 'a first list element follows the (');
  assert.equal(prettyPrint([], 1), '(\n)\n');
  assert.equal(prettyPrint('a b'), "'a b'\n", 'a non-list is shown on its own');
  assert.equal(prettyPrint(42), '42\n');
  // A nested list is flat iff it fits from its own column.
  const nested: Sxp = ['k', ['v', ...atoms(3)], 'tail'];
  assert.equal(prettyPrint(nested, 21), '(k (v a0 a1 a2) tail)\n');
  assert.equal(prettyPrint(nested, 16), '(k\n    (v a0 a1 a2)\n    tail\n)\n');
  assert.equal(
    prettyPrint(nested, 15),
    '(k\n    (v\n        a0\n        a1\n        a2\n    )\n    tail\n)\n',
  );
});

test('accessors', () => {
  const dom: Sxp = ['domain', ['@', ['id', '7']], ['name', 'a'], ['memory', '64'], 'flag', ['name', 'b'], ['empty']];
  assert.equal(name(dom), 'domain');
  assert.equal(name('x'), 'x');
  assert.equal(name([]), undefined);
  assert.equal(name(5), undefined);
  assert.deepEqual(attributes(dom), [['id', '7']]);
  assert.equal(attribute(dom, 'id'), '7');
  assert.equal(attribute(dom, 'nope', 'd'), 'd');
  assert.deepEqual(attributes(['x', ['a', 'b']]), []);
  assert.deepEqual(children(dom), [['name', 'a'], ['memory', '64'], 'flag', ['name', 'b'], ['empty']]);
  assert.deepEqual(children(dom, 'name'), [['name', 'a'], ['name', 'b']]);
  assert.deepEqual(children('atom'), []);
  assert.deepEqual(children(['only']), []);
  assert.deepEqual(child(dom, 'name'), ['name', 'a']);
  assert.equal(child(dom, 'nope'), undefined);
  assert.equal(child(dom, 'nope', null), null);
  assert.equal(childValue(dom, 'name'), 'a', 'first occurrence wins');
  assert.equal(childValue(dom, 'empty', 'dflt'), 'dflt', '(k) gives the default');
  assert.equal(childValue(dom, 'missing', 0), 0);
  assert.equal(childValue(['x', ['k', ['@'], 'v']], 'k'), 'v', 'attributes skipped in the child too');
  assert.equal(childValue(['x', ['k', null]], 'k', 'd'), null, 'a None value is a value');
  assert.deepEqual(child0(dom), ['name', 'a']);
  assert.equal(childAt(dom, 2), 'flag');
  assert.equal(childAt(dom, 9, 'd'), 'd');
  assert.ok(elementp(dom));
  assert.ok(elementp(dom, 'domain'));
  assert.ok(!elementp(dom, 'vm'));
  assert.ok(!elementp([]));
  assert.ok(!elementp('domain'));
});

test('merge: by element name, first argument wins', () => {
  const s1: Sxp = ['a', ['x', '1'], ['y', ['p', '1']], 'v1', ['x', '9']];
  const s2: Sxp = ['b', ['y', ['p', '2'], ['q', '3']], ['z', '4'], 'v2', ['x', '0']];
  assert.deepEqual(merge(s1, s2), ['a', ['x', '1'], ['x', '9'], ['y', ['p', '1'], ['q', '3']], ['z', '4'], 'v1']);
  assert.deepEqual(merge(null, s2), s2);
  assert.deepEqual(merge(s1, null), s1);
  assert.equal(merge('atom', s2), 'atom');
  assert.deepEqual(merge(['a', ['x', '1']], ['a', ['x', '2'], ['x', '3']]), ['a', ['x', '1'], ['x', '3']]);
});

/** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Bytes show() escapes as \xNN with digits only: sxp.py reads hex letters back wrongly.
const ESCAPABLE = [0, 1, 2, 8, 0x10, 0x19, 0x80, 0x89, 0x90, 0x99].map((b) => String.fromCharCode(b));
const ALPHABET = [
  ...Array.from({ length: 95 }, (_, i) => String.fromCharCode(0x20 + i)),
  '\t',
  '\n',
  '\r',
  ...ESCAPABLE,
];

function randomSxp(next: () => number, depth: number): Sxp {
  if (depth > 0 && next() < 0.35) {
    return Array.from({ length: Math.floor(next() * 6) }, () => randomSxp(next, depth - 1));
  }
  const bare = next() < 0.4;
  const chars = bare ? ['a', 'Z', '0', '.', '-', '_', ':', '/', '~'] : ALPHABET;
  return Array.from({ length: Math.floor(next() * 12) }, () => chars[Math.floor(next() * chars.length)]).join('');
}

test('round trip: parse(show(v)) and parse(prettyPrint(v)) give v back', () => {
  const next = rng(20240601);
  for (let i = 0; i < 3000; i++) {
    const v = randomSxp(next, 4);
    const flat = show(v);
    assert.ok(!flat.includes('\n'), 'show is one line');
    assert.deepEqual(parseAll(flat), [v], flat);
    const width = 10 + Math.floor(next() * 80);
    assert.deepEqual(parseAll(prettyPrint(v, width)), [v], `width ${width}: ${flat}`);
  }
});

test('round trip is lossy where sxp.py is', () => {
  assert.equal(show('\x1b'), "'\\x1b'");
  assert.equal(parseFirst(show('\x1b')), '\x11', 'the hex letter b reads as 1');
  assert.equal(parseFirst(show(8000)), '8000', 'numbers come back as strings');
});

test('PyFloat (a float with a whole value) shows as Python str(float), behaves as its number, is its number in JSON', () => {
  assert.equal(show(['cpu_time', new PyFloat(0)]), '(cpu_time 0.0)');
  assert.equal(show(['t', new PyFloat(3)]), '(t 3.0)');
  assert.equal(show(['t', new PyFloat(1e16)]), '(t 1e+16)');
  assert.equal(Number(new PyFloat(2)) + 1, 3);
  assert.equal(`${new PyFloat(5)}`, '5.0');
  assert.equal(JSON.stringify({ t: new PyFloat(0) }), '{"t":0}');
  assert.equal(pyFloat(1.5), 1.5);
  assert.ok(pyFloat(2) instanceof PyFloat);
});
