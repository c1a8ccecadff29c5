import { describe, expect, it } from 'vitest';
import { GoFloat, GoTime, type Value } from '../../../src/gotemplate/value.js';
import { formatFloat } from '../../../src/gotemplate/format.js';
import { encodeJson, encodeYaml, field, Struct, yamlKeyLess } from '../../../src/metro/encode.js';

/** strconv.FormatFloat(f, 'g', -1, 64): how yaml.v3 writes a float64. */
const formatGoFloat = (f: number) => formatFloat(f, 'g', -1);
import { decodeJson, decodeYaml, YamlError } from '../../../src/metro/yaml.js';

const m = (o: Record<string, Value>): Map<string, Value> => new Map(Object.entries(o));
const one = (yaml: string): Value => (decodeYaml(`v: ${yaml}\n`) as Map<string, Value>).get('v')!;
const utc = (iso: string) => new GoTime(BigInt(Date.parse(iso)) * 1_000_000n);

describe('decodeYaml: yaml.v3 scalar typing', () => {
  it.each([
    ['1.10', new GoFloat(1.1)], ['2.0', new GoFloat(2)], ['1e3', new GoFloat(1000)], ['.5', new GoFloat(0.5)], ['-1.5e-3', new GoFloat(-0.0015)],
    ['0755', 493], ['0x1F', 31], ['0o17', 15], ['0b101', 5], ['1_000', 1000], ['+12', 12], ['-0x10', -16], ['0', 0], ['08', new GoFloat(8)],
    ['.inf', new GoFloat(Infinity)], ['-.Inf', new GoFloat(-Infinity)], ['+.INF', new GoFloat(Infinity)],
    ['~', null], ['null', null], ['NULL', null], ['', null],
    ['true', true], ['False', false], ['TRUE', true],
    ['yes', 'yes'], ['on', 'on'], ['no', 'no'], ['off', 'off'], ['y', 'y'], ['nil', 'nil'], ['tRue', 'tRue'],
    ['"12"', '12'], ["'true'", 'true'], ['"~"', '~'], ['!!str 12', '12'], ['!!int "12"', 12], ['!!float 1', new GoFloat(1)], ['!!str true', 'true'],
    ['1e400', '1e400'], ['1.2.3', '1.2.3'], ['0x', '0x'], ['12:30:45', '12:30:45'], ['"-"', '-'], ['.', '.'], ['a b', 'a b'],
    ['|\n  line\n', 'line\n'], ['>-\n  a\n  b\n', 'a b'],
  ] as const)('%s', (src, want) => {
    expect(one(src)).toEqual(want);
  });

  it('NaN is a float', () => {
    const v = one('.nan');
    expect(v).toBeInstanceOf(GoFloat);
    expect(Number.isNaN((v as GoFloat).f)).toBe(true);
  });

  it('unquoted timestamps become times in UTC; quoted ones stay strings', () => {
    expect(one('2024-09-14')).toEqual(utc('2024-09-14T00:00:00Z'));
    expect(one('2024-9-4')).toEqual(utc('2024-09-04T00:00:00Z'));
    expect(one('2001-12-14T21:59:43.10Z')).toEqual(new GoTime(BigInt(Date.parse('2001-12-14T21:59:43Z')) * 1_000_000n + 100_000_000n));
    expect(one('2001-12-14 21:59:43.5')).toEqual(new GoTime(BigInt(Date.parse('2001-12-14T21:59:43Z')) * 1_000_000n + 500_000_000n));
    expect(one('2001-12-14t21:59:43-05:00')).toEqual(new GoTime(BigInt(Date.parse('2001-12-15T02:59:43Z')) * 1_000_000n, { name: '', offsetSeconds: -18000 }));
    expect(one('"2024-09-14"')).toBe('2024-09-14');
    expect(one('2024-02-30')).toBe('2024-02-30');          // Go rejects the day, so it is a string
    expect(one('2001-12-14 21:59:43.10 -5')).toBe('2001-12-14 21:59:43.10 -5');
  });

  it('an explicit tag that does not fit fails like yaml.v3', () => {
    expect(() => decodeYaml('v: !!int abc\n')).toThrow(/line 1: cannot decode !!str `abc` as a !!int/);
  });

  it('anchors, aliases and merge keys: written keys win, merges replace whole keys, first merge wins', () => {
    const v = decodeYaml([
      'base: &b {a: 1, c: base, opts: {x: 1, y: 2}}',
      'other: &o {c: other, d: 4}',
      'derived:',
      '  <<: *b',
      '  c: own',
      '  opts: {z: 3}',
      'multi:',
      '  <<: [*o, *b]',
      'alias: *b',
      'quoted: {"<<": 1}',
    ].join('\n'));
    expect(v).toEqual(m({
      base: m({ a: 1, c: 'base', opts: m({ x: 1, y: 2 }) }),
      other: m({ c: 'other', d: 4 }),
      derived: m({ c: 'own', opts: m({ z: 3 }), a: 1 }),
      multi: m({ c: 'other', d: 4, a: 1, opts: m({ x: 1, y: 2 }) }),
      alias: m({ a: 1, c: 'base', opts: m({ x: 1, y: 2 }) }),
      quoted: m({ '<<': 1 }),
    }));
  });

  it('nested sequences and maps keep their types; empty text is nil', () => {
    expect(decodeYaml('a: [1, "2", 3.0, [x]]\nb: {}\n')).toEqual(m({ a: [1, '2', new GoFloat(3), ['x']], b: new Map() }));
    expect(decodeYaml('')).toBeNull();
    expect(decodeYaml('# only a comment\n')).toBeNull();
  });

  it('a mapping with a non-string key is an error naming the line (yaml.v3 would make map[interface{}]interface{})', () => {
    expect(() => decodeYaml('a:\n  1: one\n')).toThrow(YamlError);
    expect(() => decodeYaml('a:\n  1: one\n')).toThrow(/^line 2: mapping key "1" is a !!int, not a string/);
    expect(() => decodeYaml('a:\n  "1": one\n')).not.toThrow();
  });

  it('syntax errors and duplicate keys name the line', () => {
    expect(() => decodeYaml('a: 1\na: 2\n')).toThrow(/^line 2: /);
    expect(() => decodeYaml('a: [1\n')).toThrow(YamlError);
  });
});

describe('decodeJson: ints and floats by their written form', () => {
  it('decodes', () => {
    expect(decodeJson('{"a": 1, "b": 1.5, "c": 1e3, "d": -0, "e": [true, null, "x\\u00e9"], "f": {}}')).toEqual(
      m({ a: 1, b: new GoFloat(1.5), c: new GoFloat(1000), d: -0, e: [true, null, 'xé'], f: new Map() }));
    expect(() => decodeJson('{"a": 1,}')).toThrow(/invalid JSON/);
  });
});

describe('encodeYaml: yaml.v3 Marshal', () => {
  it('indents by 4, sequences under their key, mappings in sequences after "- "', () => {
    const v = m({ job: m({ name: 'x', list: ['a', 'b'], binds: [m({ source: '/s', target: '/t' })] }), hooks: [m({ hooks: [m({ name: 'h', commands: ['echo 1', 'a\nb'] })] })] });
    expect(encodeYaml(v)).toBe([
      'hooks:',
      '    - hooks:',
      '        - commands:',
      '            - echo 1',
      '            - |-',
      '              a',
      '              b',
      '          name: h',
      'job:',
      '    binds:',
      '        - source: /s',
      '          target: /t',
      '    list:',
      '        - a',
      '        - b',
      '    name: x',
      '',
    ].join('\n'));
  });

  it('quotes strings that would read as something else, like yaml.v3', () => {
    const cases: Array<[string, string]> = [
      ['1.4', '"1.4"'], ['12', '"12"'], ['true', '"true"'], ['yes', '"yes"'], ['n', '"n"'], ['', '""'], ['~', '"~"'], ['null', '"null"'],
      ['2024-09-14', '"2024-09-14"'], ['1:20', '"1:20"'], ['-j2', '-j2'], ['a: b', "'a: b'"], ['- x', "'- x'"], ['#x', "'#x'"], ['a #b', "'a #b'"],
      ['*x', "'*x'"], [' lead', "' lead'"], ['trail ', "'trail '"], ['it\'s', "it's"], ["'q'", "'''q'''"], ['tab\there', '"tab\\there"'],
      ['https://x/y?a=b', 'https://x/y?a=b'], ['{a}', "'{a}'"], ['a, b', 'a, b'], ['echo "hi" && ls', 'echo "hi" && ls'], ['é', 'é'], ['😀', '"\\U0001F600"'],
    ];
    for (const [s, want] of cases) expect(encodeYaml(m({ k: s })), s).toBe(`k: ${want}\n`);
  });

  it('multi-line strings use literal blocks with chomping indicators', () => {
    expect(encodeYaml(m({ k: 'a\nb\n' }))).toBe('k: |\n    a\n    b\n');
    expect(encodeYaml(m({ k: 'a\n\nb' }))).toBe('k: |-\n    a\n\n    b\n');
    expect(encodeYaml(m({ k: 'a\n\n' }))).toBe('k: |+\n    a\n\n...\n');
    expect(encodeYaml(m({ k: ' a\nb' }))).toBe('k: |4-\n     a\n    b\n');
    expect(encodeYaml(m({ k: 'a \nb' }))).toBe('k: "a \\nb"\n');
  });

  it('formats numbers, nulls, times and empty collections like Go', () => {
    expect(encodeYaml(m({ a: 4, b: new GoFloat(1.5), c: new GoFloat(2), d: new GoFloat(1e6), e: new GoFloat(1e-5), f: null, g: new GoFloat(Infinity), h: utc('2024-09-14T00:00:00Z'), i: [], j: new Map() })))
      .toBe('a: 4\nb: 1.5\nc: 2\nd: 1e+06\ne: 1e-05\nf: null\ng: .inf\nh: 2024-09-14T00:00:00Z\ni: []\nj: {}\n');
    expect(formatGoFloat(123456)).toBe('123456');
    expect(formatGoFloat(1234567)).toBe('1.234567e+06');
    expect(formatGoFloat(0.0001)).toBe('0.0001');
    expect(formatGoFloat(-2.5e-7)).toBe('-2.5e-07');
  });

  it('sorts keys the yaml.v3 way (digit runs by value, non-letters before letters)', () => {
    const keys = ['b', 'a10', 'a2', 'a_b', 'ab', 'A', 'a'];
    expect([...keys].sort((x, y) => yamlKeyLess(x, y) ? -1 : yamlKeyLess(y, x) ? 1 : 0)).toEqual(['A', 'a', 'a_b', 'a2', 'a10', 'ab', 'b']);
  });

  it('structs keep field order and drop empty omitempty fields (a struct is empty when all its fields are)', () => {
    const s = new Struct([field('name', '', false), field('source', new Struct([field('type', '')])), field('list', []), field('z', 'last'), field('a', 'after')]);
    expect(encodeYaml(s)).toBe('name: ""\nz: last\na: after\n');
  });
});

describe('encodeJson: encoding/json Marshal', () => {
  it('escapes HTML characters, sorts map keys, formats floats like Go', () => {
    expect(encodeJson(m({ b: 'a<b>&c', a: [new GoFloat(1.5), new GoFloat(1e21), new GoFloat(1e-7), new GoFloat(2), 3], c: null, d: 'tab\t\u0001\u2028' })))
      .toBe('{"a":[1.5,1e+21,1e-7,2,3],"b":"a\\u003cb\\u003e\\u0026c","c":null,"d":"tab\\t\\u0001\\u2028"}');
    expect(encodeJson(utc('2024-09-14T00:00:00Z'))).toBe('"2024-09-14T00:00:00Z"');
    expect(() => encodeJson(new GoFloat(NaN))).toThrow('json: unsupported value: NaN');
  });

  it('never omits a struct, omits empty omitempty fields, inlines embedded structs', () => {
    const s = new Struct([{ name: 'job', value: new Struct([field('name', 'x', false), field('source', new Struct([field('type', '')])), field('ws', '')]), omitempty: false, inlineJson: true }, field('hooks', [])]);
    expect(encodeJson(s)).toBe('{"name":"x","source":{}}');
  });
});
