import { describe, expect, it } from 'vitest';
import { formatV, sprint, sprintf, sprintln } from '../../../src/gotemplate/format.js';
import { GoFloat, GoStruct, GoTime, typedSlice, type Value } from '../../../src/gotemplate/value.js';

const F = (f: number) => new GoFloat(f);
const M = (o: Record<string, Value>) => new Map(Object.entries(o));

describe('formatV (%v)', () => {
  it('prints floats as strconv g with the shortest digits', () => {
    expect([1e6, 1e-5, 1.5, 2, 1234567.5, 123456, 0.0001, 1e21, -0.5, 1 / 3].map((f) => formatV(F(f))))
      .toEqual(['1e+06', '1e-05', '1.5', '2', '1.2345675e+06', '123456', '0.0001', '1e+21', '-0.5', '0.3333333333333333']);
    expect(formatV(F(Infinity))).toBe('+Inf');
    expect(formatV(F(-Infinity))).toBe('-Inf');
    expect(formatV(F(NaN))).toBe('NaN');
  });
  it('prints ints, bools, strings and nil', () => {
    expect(formatV(42)).toBe('42');
    expect(formatV(12345678901234)).toBe('12345678901234');
    expect(formatV(true)).toBe('true');
    expect(formatV('s')).toBe('s');
    expect(formatV(null)).toBe('<nil>');
  });
  it('prints slices and maps (sorted keys, <nil> inside)', () => {
    expect(formatV(['a', null, 3])).toBe('[a <nil> 3]');
    expect(formatV(M({ b: 2, a: [1, F(2.5)] }))).toBe('map[a:[1 2.5] b:2]');
    expect(formatV([])).toBe('[]');
    expect(formatV(new Map())).toBe('map[]');
  });
  it('prints times like time.Time.String()', () => {
    expect(formatV(new GoTime(1726272000n * 1_000_000_000n))).toBe('2024-09-14 00:00:00 +0000 UTC');
    expect(formatV(new GoTime(1726272000n * 1_000_000_000n + 5_000_000n))).toBe('2024-09-14 00:00:00.005 +0000 UTC');
    expect(formatV(new GoTime(0n, { name: 'Europe/Rome' }))).toBe('1970-01-01 01:00:00 +0100 CET');
  });
  it('prints structs, pointers and Stringers', () => {
    const s = new GoStruct('main.T', new Map<string, Value>([['A', 1], ['B', 'x']]));
    expect(formatV(s)).toBe('{1 x}');
    expect(sprintf('%+v', [s])).toBe('{A:1 B:x}');
    expect(formatV(new GoStruct('*main.T', new Map<string, Value>([['A', 1]])))).toBe('&{1}');
    class V extends GoStruct { String() { return 'v1.2.3'; } }
    expect(formatV(new V('*semver.Version', new Map()))).toBe('v1.2.3');
  });
});

describe('sprint / sprintln', () => {
  it('adds spaces only between non-string operands', () => {
    expect(sprint(['a', 'b', 1, 2])).toBe('ab1 2');
    expect(sprint([1, 2])).toBe('1 2');
    expect(sprint(['x', 1])).toBe('x1');
    expect(sprint([1, 'x', 2])).toBe('1x2');
    expect(sprint([null, null])).toBe('<nil> <nil>');
  });
  it('sprintln always separates and ends with a newline', () => {
    expect(sprintln(['a', 'b', 1])).toBe('a b 1\n');
    expect(sprintln([])).toBe('\n');
  });
});

describe('int64 (bigint)', () => {
  it('prints like an int; %T is int64', () => {
    expect(formatV(42n)).toBe('42');
    expect(formatV(-9223372036854775808n)).toBe('-9223372036854775808');
    expect(formatV([1n, 2])).toBe('[1 2]');
    expect(formatV(new Map<string, Value>([['a', 3n]]))).toBe('map[a:3]');
    expect(sprint([1n, 2n, 'x', 3])).toBe('1 2x3');
    expect(sprintln([1n, 'x'])).toBe('1 x\n');
    expect(sprintf('%T %T', [3n, [3n]])).toBe('int64 []interface {}');
    expect(sprintf('%d|%+d|%05d|%x|%#X|%o|%b|%.3d|%-4d|', [-42n, 5n, -42n, 255n, 255n, 8n, 5n, 7n, 1n])).toBe('-42|+5|-0042|ff|0XFF|10|101|007|1   |');
    expect(sprintf('%x|%d', [-9223372036854775808n, 9223372036854775807n])).toBe('-8000000000000000|9223372036854775807');
    expect(sprintf('%c|%q|%U|%#v', [0x4e16n, 97n, 0x4e16n, 3n])).toBe('世|\'a\'|U+4E16|3');
    expect(sprintf('%.0d|%s|%f', [0n, 3n, 3n])).toBe('|%!s(int64=3)|%!f(int64=3)');
    expect(sprintf('%d', [1, 2n])).toBe('1%!(EXTRA int64=2)');
    expect(sprintf('%*d|%.*d', [4n, 3, 2n, 3])).toBe('   3|03');
    expect(sprintf('%*d', [10000000n, 3])).toBe('%!(BADWIDTH)3');
  });
});

describe('sprintf', () => {
  it('formats with width, precision and flags', () => {
    expect(sprintf('%05.2f|%6.2f|%-5s|', [F(3.14159), F(2.5), 'ab'])).toBe('03.14|  2.50|ab   |');
    expect(sprintf('%+d|% d|%08.3f|%-8d|%08d', [5, 5, F(-3.14159), 42, -42])).toBe('+5| 5|-003.142|42      |-0000042');
    expect(sprintf('%x|%X|%#x|%o|%#o|%O|%b|%c|%U|%.3d|%5.1d', ['hi', 255, 255, 8, 8, 8, 5, 0x4e16, 0x4e16, 7, 3]))
      .toBe('6869|FF|0xff|10|010|0o10|101|世|U+4E16|007|    3');
    expect(sprintf('%6.3v|%.3g|%g|%G|%.2e|%e|%.0f|%.1f', [F(3.14159), F(1234.5), F(1e-7), F(1e-7), F(0), F(123456.789), F(2.5), F(0.25)]))
      .toBe('  3.14|1.23e+03|1e-07|1E-07|0.00e+00|1.234568e+05|2|0.2');
    expect(sprintf('%t|%v|%5t', [true, false, true])).toBe('true|false| true');
    expect(sprintf('%q|%q|%+q|%#q', ['a"b\n', 97, 'é', 'x'])).toBe('"a\\"b\\n"|\'a\'|"\\u00e9"|`x`');
    expect(sprintf('%T %T %T %T %T %T', [1, F(1), 's', [], new Map(), null]))
      .toBe('int float64 string []interface {} map[string]interface {} <nil>');
    expect(sprintf('%T', [typedSlice(['a'], '[]string')])).toBe('[]string');
    expect(sprintf('%*d|%-*d|%.*f', [5, 1, 3, 2, 2, F(3.14159)])).toBe('    1|2  |3.14');
    expect(sprintf('100%%', [])).toBe('100%');
  });
  it('applies verbs element-wise inside containers', () => {
    expect(sprintf('%d', [[1, 2]])).toBe('[1 2]');
    expect(sprintf('%s', [[1, 'a']])).toBe('[%!s(int=1) a]');
    expect(sprintf('%03d', [[1, 2]])).toBe('[001 002]');
    expect(sprintf('%d', [[null]])).toBe('[<nil>]');
  });
  it('reports bad verbs, missing and extra operands as Go does', () => {
    expect(sprintf('%d', ['x'])).toBe('%!d(string=x)');
    expect(sprintf('%s', [null])).toBe('%!s(<nil>)');
    expect(sprintf('%v', [null])).toBe('<nil>');
    expect(sprintf('%d %d', [1])).toBe('1 %!d(MISSING)');
    expect(sprintf('%d', [1, 'a', null])).toBe('1%!(EXTRA string=a, <nil>)');
    expect(sprintf('%', [])).toBe('%!(NOVERB)');
    expect(sprintf('%z', [1])).toBe('%!z(int=1)');
    expect(sprintf('%d', [F(1.5)])).toBe('%!d(float64=1.5)');
    expect(sprintf('%f', [1])).toBe('%!f(int=1)');
    expect(sprintf('%d', [true])).toBe('%!d(bool=true)');
    expect(sprintf('%*d', ['x', 1])).toBe('%!(BADWIDTH)1');
  });
  it('takes explicit argument indexes', () => {
    expect(sprintf('%[2]s %[1]s %s', ['a', 'b'])).toBe('b a b');
    expect(sprintf('%[1]d %[1]x', [255])).toBe('255 ff');
    expect(sprintf('%[3]d', [1])).toBe('%!d(BADINDEX)');
    expect(sprintf('%[2]*[1]d', [7, 4])).toBe('   7');
    expect(sprintf('%[1]s', ['a', 'b'])).toBe('a');
  });
  it('rounds exact halves to even, as strconv does', () => {
    expect(sprintf('%.0f %.0f %.0f %.1f %.2f', [F(0.5), F(1.5), F(2.5), F(0.05), F(1.005)])).toBe('0 2 2 0.1 1.00');
  });
});

describe('byte slices', () => {
  it('print as numbers with %v and as text with %s %q %x', () => {
    const b = typedSlice([104, 105], '[]byte');
    expect(sprintf('%v|%s|%q|%x|%X', [b, b, b, b, b])).toBe('[104 105]|hi|"hi"|6869|6869');
  });
});

describe('time.Time in %v (Time.String)', () => {
  const ns = 1719820800n * 1_000_000_000n; // 2024-07-01 08:00:00 UTC
  it('prints the zone abbreviation from zoneinfo, and an unnamed fixed zone as -0700 twice, as Go does', () => {
    expect(formatV(new GoTime(ns, { name: 'UTC' }))).toBe('2024-07-01 08:00:00 +0000 UTC');
    expect(formatV(new GoTime(ns, { name: 'Europe/Rome' }))).toBe('2024-07-01 10:00:00 +0200 CEST');
    expect(formatV(new GoTime(ns, { name: 'America/New_York' }))).toBe('2024-07-01 04:00:00 -0400 EDT');
    expect(formatV(new GoTime(ns, { name: '', offsetSeconds: 7200 }))).toBe('2024-07-01 10:00:00 +0200 +0200');
  });
});
