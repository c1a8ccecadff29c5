import { describe, expect, it } from 'vitest';
import { GoTime } from '../../../../src/gotemplate/value.js';
import { call, f, m, show } from './call.js';

const y = (v: Parameters<typeof call>[1]) => call('toYaml', v);

describe('toYaml (sigs.k8s.io/yaml: JSON, then go-yaml v2)', () => {
  it('maps, lists, scalars', () => {
    expect(y(m({ b: [1, 2], a: 'x', n: m({ k: true, z: null }) }))).toBe('a: x\nb:\n- 1\n- 2\n"n":\n  k: true\n  z: null');
    expect(y(['a', 'b c', '1', 'yes', 'x: y'])).toBe('- a\n- b c\n- "1"\n- "yes"\n- \'x: y\'');
    expect(y('s')).toBe('s');
    expect(y(null)).toBe('null');
    expect(y(f(1.5))).toBe('1.5');
    expect(y(f(1e6))).toBe('1000000');
    expect(y(f(1e21))).toBe('1e+21');
    expect(y(m({}))).toBe('{}');
    expect(y(m({ e: [], d: m({}) }))).toBe('d: {}\ne: []');
    expect(y([['a', 'b'], [m({ x: 1, y: 2 })]])).toBe('- - a\n  - b\n- - x: 1\n    "y": 2');
    expect(y([m({ a: 1, b: [1] })])).toBe('- a: 1\n  b:\n  - 1');
  });

  it('quotes strings the way go-yaml does', () => {
    const cases: [string, string][] = [
      ['', '""'], ['true', '"true"'], ['1.0', '"1.0"'], ['0755', '"0755"'], ['1:20', '"1:20"'], ['null', '"null"'],
      ['~', '"~"'], ['-', "'-'"], ['- x', "'- x'"], ['#x', "'#x'"], ['x #y', "'x #y'"], ['x#y', 'x#y'], ['@foo', "'@foo'"],
      ['a\tb', '"a\\tb"'], ['2024-09-14', '"2024-09-14"'], ['2024-09-14 10:00:00 +02:00', '2024-09-14 10:00:00 +02:00'],
      ['é', 'é'], [' lead', "' lead'"], ["it's", "it's"], ["'q'", "'''q'''"], ['.5', '".5"'], ['1e3', '"1e3"'],
      ['0x1F', '"0x1F"'], ['.inf', '".inf"'], ['y', '"y"'], ['off', '"off"'], ['foo: ', '\'foo: \''],
    ];
    for (const [s, want] of cases) expect(y(m({ k: s })), JSON.stringify(s)).toBe(`k: ${want}`);
  });

  it('uses literal blocks for multi-line strings, with chomping hints', () => {
    expect(y(m({ s: 'a\nb' }))).toBe('s: |-\n  a\n  b');
    expect(y(m({ s: 'a\n' }))).toBe('s: |\n  a');
    expect(y(m({ s: 'a\n\n' }))).toBe('s: |+\n  a\n');
    expect(y(m({ s: ' a\nb' }))).toBe('s: |2-\n   a\n  b');
    expect(y(m({ s: 'a \nb' }))).toBe('s: "a \\nb"');
    expect(y(['x\ny'])).toBe('- |-\n  x\n  y');
    expect(y(m({ a: 'x\n', b: 'y\nz', c: 1 }))).toBe('a: |\n  x\nb: |-\n  y\n  z\nc: 1');
    expect(y(m({ n: m({ s: 'p\n\nq\n' }) }))).toBe('"n":\n  s: |\n    p\n\n    q');
    expect(y(m({ 'a\nb': 1 }))).toBe('"a\\nb": 1');
  });

  it('folds long plain strings at column 80', () => {
    const words = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ');
    const out = y(m({ k: words })) as string;
    const lines = out.split('\n');
    expect(lines.length).toBe(3);
    // A line breaks at the first space after column 80; continuation lines are indented.
    expect(lines[0]!.length).toBe(83);
    for (const l of lines.slice(1)) expect(l.startsWith('  ')).toBe(true);
    expect(lines.map((l) => l.trim()).join(' ')).toBe(`k: ${words}`);
  });

  it('sorts keys like go-yaml (numbers inside keys compare numerically)', () => {
    expect(y(m({ a10: 1, a2: 2, b: 3, A: 4, _x: 5 }))).toBe('_x: 5\nA: 4\na2: 2\na10: 1\nb: 3');
  });

  it('times become RFC 3339 strings; NaN fails (empty result)', () => {
    expect(y(m({ t: new GoTime(1726272000_000_000_000n) }))).toBe('t: "2024-09-14T00:00:00Z"');
    expect(y(m({ n: f(NaN) }))).toBe('');
    expect(() => call('mustToYaml', m({ n: f(NaN) }))).toThrow('json: unsupported value: NaN');
  });

  it('toYamlPretty is yaml.v3 with indented sequences', () => {
    expect(call('toYamlPretty', m({ b: [1, 2], a: m({ c: 'x' }) }))).toBe('a:\n  c: x\nb:\n  - 1\n  - 2');
  });
});

describe('fromYaml / fromYamlArray', () => {
  it('reads YAML 1.1 and returns JSON values (floats)', () => {
    const o = call('fromYaml', 'a: 1\nb: [x, y]\nbig: 12345678\nd: 2024-09-14\non: yes\n') as Map<string, unknown>;
    expect(show('kindOf', o.get('a') as never)).toBe('float64');
    expect(show('fromYaml', 'a: 1\nb: [x, y]\nbig: 12345678\nd: 2024-09-14\nnn: ~\nn: 1\n'))
      .toBe('map[a:1 b:[x true] big:1.2345678e+07 d:2024-09-14 false:1 nn:<nil>]');
    expect(show('fromYaml', 'base: &b\n  x: 1\nder:\n  <<: *b\n  yy: 2\n')).toBe('map[base:map[x:1] der:map[x:1 yy:2]]');
    expect(show('fromYaml', '')).toBe('map[]');
    expect(show('fromYaml', '1: a\ntrue: b\n')).toBe('map[1:a true:b]');
    expect((call('fromYaml', '- a\n') as Map<string, unknown>).get('Error')).toMatch(/cannot unmarshal array into Go value of type map\[string\]interface \{\}/);
    expect((call('fromYaml', 'a: [\n') as Map<string, unknown>).has('Error')).toBe(true);
    expect(show('fromYamlArray', '- 1\n- a\n')).toBe('[1 a]');
    expect(show('fromYamlArray', 'a: 1')).toMatch(/^\[error unmarshaling JSON: .*cannot unmarshal object/);
  });
});

describe('JSON', () => {
  it('toJson, toRawJson, toPrettyJson', () => {
    expect(call('toJson', m({ a: '<b>&' }))).toBe('{"a":"\\u003cb\\u003e\\u0026"}');
    expect(call('toRawJson', m({ a: '<b>&' }))).toBe('{"a":"<b>&"}');
    expect(call('toJson', m({ f: f(1e21), g: f(0.000001), h: f(1e-7), i: f(2) }))).toBe('{"f":1e+21,"g":0.000001,"h":1e-7,"i":2}');
    expect(call('toJson', ['\u2028', '\x01', '\b\f'])).toBe('["\\u2028","\\u0001","\\b\\f"]');
    expect(call('toPrettyJson', m({ b: m({ x: 1 }), a: [1, 2], e: [] }))).toBe('{\n  "a": [\n    1,\n    2\n  ],\n  "b": {\n    "x": 1\n  },\n  "e": []\n}');
    expect(call('toJson', m({ n: f(NaN) }))).toBe('');
    expect(call('toJson', new GoTime(1726272000_500_000_000n))).toBe('"2024-09-14T00:00:00.5Z"');
    expect(call('toJson', call('semver', '1.2.3'))).toBe('"1.2.3"');
  });

  it('fromJson, fromJsonArray, mustFromJson with Go errors', () => {
    expect(show('fromJson', '{"a":1,"b":[true,null,"x"],"c":{"d":1.5}}')).toBe('map[a:1 b:[true <nil> x] c:map[d:1.5]]');
    expect(show('kindOf', (call('fromJson', '{"a":1}') as Map<string, never>).get('a')!)).toBe('float64');
    expect(show('fromJson', 'not json')).toBe("map[Error:invalid character 'o' in literal null (expecting 'u')]");
    expect(show('fromJson', '{"a":')).toBe('map[Error:unexpected end of JSON input]');
    expect(show('fromJson', '[1]')).toBe('map[Error:json: cannot unmarshal array into Go value of type map[string]interface {}]');
    expect(show('fromJson', '{"a":1} x')).toBe("map[Error:invalid character 'x' after top-level value]");
    expect(show('fromJsonArray', '[1,"a"]')).toBe('[1 a]');
    expect(show('fromJsonArray', '{}')).toBe('[json: cannot unmarshal object into Go value of type []interface {}]');
    expect(show('mustFromJson', '"s"')).toBe('s');
    expect(() => call('mustFromJson', '{')).toThrow('unexpected end of JSON input');
  });
});

describe('TOML', () => {
  it('toToml writes BurntSushi/toml layout', () => {
    expect(call('toToml', m({ b: 'x', a: 1, t: m({ k: f(1), s: m({ z: true }) }), l: [1, 2] })))
      .toBe('a = 1\nb = "x"\nl = [1, 2]\n\n[t]\n  k = 1.0\n  [t.s]\n    z = true\n');
    expect(call('toToml', m({ arr: [m({ a: 1 }), m({ a: 2 })] }))).toBe('[[arr]]\n  a = 1\n\n[[arr]]\n  a = 2\n');
    expect(call('toToml', 'x')).toBe('toml: top-level values must be Go maps or structs');
  });

  it('fromToml reads TOML', () => {
    expect(show('fromToml', 'a = 1\nb = "x"\n[t]\nk = 1.5\nl = [1, 2]\n[[arr]]\nn = true\n'))
      .toBe('map[a:1 arr:[map[n:true]] b:x t:map[k:1.5 l:[1 2]]]');
    expect((call('fromToml', 'a = ') as Map<string, unknown>).has('Error')).toBe(true);
  });
});

describe('int64 (bigint) in the encoders', () => {
  const big = m({ a: 3n, min: -9223372036854775808n, l: [1n, 2] });
  it('writes an int64 as an integer, exactly', () => {
    expect(call('toJson', big)).toBe('{"a":3,"l":[1,2],"min":-9223372036854775808}');
    expect(call('toPrettyJson', m({ a: 3n }))).toBe('{\n  "a": 3\n}');
    expect(y(big)).toBe('a: 3\nl:\n- 1\n- 2\nmin: -9223372036854775808');
    expect(call('toYamlPretty', m({ a: 3n, l: [1n] }))).toBe('a: 3\nl:\n  - 1');
    expect(call('toToml', big)).toBe('a = 3\nl = [1, 2]\nmin = -9223372036854775808\n');
  });
  it('fromToml decodes integers as int64, exactly', () => {
    const t = call('fromToml', 'a = 1\nb = 0x1F\nc = -9_223_372_036_854_775_808\nl = [1, 2]\nf = 1.5\n') as Map<string, unknown>;
    expect(t.get('a')).toBe(1n);
    expect(t.get('b')).toBe(31n);
    expect(t.get('c')).toBe(-9223372036854775808n);
    expect(t.get('l')).toEqual([1n, 2n]);
    expect(show('typeOf', t.get('f') as never)).toBe('float64');
    expect(call('fromToml', 'a = 9223372036854775808') as Map<string, unknown>).toEqual(
      new Map([['Error', 'toml: line 1: 9223372036854775808 is out of the range of int64']]));
  });
});
