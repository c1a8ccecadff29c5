/**
 * Go's int64 (a bigint in the value model) end to end, through Helm's engine and sprig: what
 * sprig's int64 math returns, how it prints, compares, converts and fails. Expected texts are
 * Go's (go1.23 text/template, sprig v3.3.0).
 */
import { describe, expect, it } from 'vitest';
import { eq, index, length, lt, slice } from '../../../src/gotemplate/builtins.js';
import { renderHelm, TemplateError } from '../../../src/gotemplate/engine.js';
import type { GoMap, Value } from '../../../src/gotemplate/value.js';

const obj = (o: Record<string, Value>): GoMap => new Map(Object.entries(o));
const render = (text: string, values: Record<string, Value> = {}) => renderHelm(text, obj(values));
function fails(text: string, values: Record<string, Value> = {}): string {
  try { render(text, values); } catch (e) { if (e instanceof TemplateError) return e.message; throw e; }
  return 'no error';
}

describe('int64: types', () => {
  it('sprig\'s int64 math returns int64', () => {
    expect(render('{{ add 1 2 | printf "%T" }}')).toBe('int64');
    expect(render('{{ typeOf (int64 3) }}|{{ kindOf (int64 3) }}|{{ typeIs "int64" (add 1 2) }}|{{ kindIs "int" (add 1 2) }}|{{ kindIs "int64" (sub 3 1) }}'))
      .toBe('int64|int64|true|false|true');
    const int64s = ['add 1 2', 'sub 3 1', 'mul 2 3', 'div 4 2', 'mod 4 3', 'add1 1', 'max 1 5', 'min 1 5', 'biggest 1 2', 'toDecimal "777"', 'int64 "3"'];
    for (const e of int64s) expect(render(`{{ ${e} | typeOf }}`), e).toBe('int64');
  });

  it('len, atoi, int and randInt stay int; float64 is float64', () => {
    expect(render('{{ len "ab" | typeOf }}|{{ atoi "3" | typeOf }}|{{ int (int64 3) | typeOf }}|{{ randInt 1 2 | typeOf }}|{{ float64 (int64 3) | typeOf }}'))
      .toBe('int|int|int|int|float64');
    expect(render('{{ typeOf .Values.n }}|{{ add .Values.n 0 | typeOf }}', { n: 3 })).toBe('int|int64');
  });

  it('variables keep the type', () => {
    expect(render('{{ $x := add 1 2 }}{{ $x }} {{ printf "%T" $x }} {{ $x | add 1 | printf "%T" }}')).toBe('3 int64 int64');
  });
});

describe('int64: printing', () => {
  it('prints like an int with every integer verb', () => {
    expect(render('{{ $n := int64 -42 }}{{ printf "%d|%v|%T|%x|%X|%05d|%+d|%o|%b" $n $n $n $n $n $n $n $n $n }}'))
      .toBe('-42|-42|int64|-2a|-2A|-0042|-42|-52|-101010');
    expect(render('{{ printf "%c|%q|%U|%#U" (int64 65) (int64 66) (int64 67) (int64 68) }}')).toBe('A|\'B\'|U+0043|U+0044 \'D\'');
    expect(render('{{ printf "%v %d|%x" (int64 -9223372036854775808) (int64 9223372036854775807) (int64 -9223372036854775808) }}'))
      .toBe('-9223372036854775808 9223372036854775807|-8000000000000000');
  });

  it('bad verbs, extra arguments and star widths', () => {
    expect(render('{{ printf "%s" (int64 3) }}|{{ printf "%d" 1 (int64 2) }}')).toBe('%!s(int64=3)|1%!(EXTRA int64=2)');
    expect(render('{{ printf "%*d|%-*d|" (int64 4) 3 (add 3 0) 4 }}')).toBe('   3|4  |');
  });

  it('in containers, strings and joins', () => {
    expect(render('{{ list (int64 1) 2 }}|{{ printf "%#v" (list (int64 1) 2) }}|{{ dict "a" (add 1 1) }}')).toBe('[1 2]|[]interface {}{1, 2}|map[a:2]');
    expect(render('{{ toString (int64 7) }}|{{ quote (int64 7) }}|{{ squote (add 1 1) }}|{{ cat (int64 1) 2 }}|{{ join "," (list (int64 1) 2) }}|{{ print (int64 1) 2 }}|{{ sortAlpha (list (int64 2) 1) }}'))
      .toBe('7|"7"|\'2\'|1 2|1,2|1 2|[1 2]');
    expect(render('{{ dict (int64 1) "x" }}')).toBe('map[1:x]');
  });

  it('JSON, YAML and TOML write it as an integer', () => {
    expect(render('{{ toJson (dict "a" (int64 3) "b" (add 1 1)) }}|{{ toYaml (dict "a" (add 1 2)) }}|{{ toPrettyJson (list (int64 1)) }}'))
      .toBe('{"a":3,"b":2}|a: 3|[\n  1\n]');
    expect(render('{{ toToml (dict "a" (int64 3) "big" (int64 "9223372036854775807")) }}')).toBe('a = 3\nbig = 9223372036854775807\n');
    expect(render('{{ toJson (int64 "-9223372036854775808") }}')).toBe('-9223372036854775808');
    // fromToml is BurntSushi's decoder: its integers are int64.
    expect(render('{{ $t := fromToml "a = 3" }}{{ typeOf $t.a }}|{{ duration $t.a }}|{{ eq $t.a 3 }}')).toBe('int64|3s|true');
  });
});

describe('int64: comparisons and truth', () => {
  it('int and int64 compare by value (both are intKind)', () => {
    expect(render('{{ eq (add 1 2) 3 }}|{{ eq (int64 3) 3 }}|{{ eq 3 (int64 2) (int64 3) }}|{{ ne (sub 5 2) 3 }}|{{ lt (int64 2) 3 }}|{{ le 3 (int64 3) }}|{{ gt (mul 2 3) 5 }}|{{ ge (len "ab") (int64 3) }}'))
      .toBe('true|true|true|false|true|true|true|false');
    expect(render('{{ if eq (add .Values.n 1) 4 }}yes{{ end }}', { n: 3 })).toBe('yes');
  });

  it('int64 against float or string is an error', () => {
    expect(fails('{{ eq (int64 3) 3.0 }}')).toContain('error calling eq: incompatible types for comparison');
    expect(fails('{{ lt (int64 3) 2.5 }}')).toContain('error calling lt: incompatible types for comparison');
    expect(fails('{{ eq (int64 3) "3" }}')).toContain('error calling eq: incompatible types for comparison');
  });

  it('0 is false', () => {
    expect(render('{{ if int64 0 }}t{{ else }}f{{ end }}{{ if sub 3 2 }}t{{ else }}f{{ end }}|{{ not (sub 1 1) }}|{{ and (int64 1) (int64 0) }}|{{ or (int64 0) 2 }}'))
      .toBe('ft|true|0|2');
    expect(render('{{ with sub 2 2 }}x{{ else }}zero{{ end }}')).toBe('zero');
  });

  it('reflect.DeepEqual and sprig\'s empty tell int from int64', () => {
    expect(render('{{ deepEqual (int64 3) 3 }}|{{ deepEqual (int64 3) (add 1 2) }}|{{ uniq (list 1 (int64 1) 1) }}|{{ has (int64 1) (list 1 2) }}|{{ has (int64 1) (list (add 0 1)) }}'))
      .toBe('false|true|[1 1]|false|true');
    expect(render('{{ empty (int64 0) }}|{{ default "x" (sub 1 1) }}|{{ coalesce (int64 0) (int64 5) }}')).toBe('true|x|5');
  });
});

describe('int64: arguments', () => {
  it('index and slice take int64 indexes', () => {
    expect(render('{{ index (list "a" "b" "c") (int64 1) }}|{{ slice (list 1 2 3) (int64 1) }}|{{ index "abc" (add 0 1) }}')).toBe('b|[2 3]|98');
    expect(fails('{{ index (list 1 2) (int64 5) }}')).toContain('error calling index: index out of range: 5');
    expect(fails('{{ index (dict "a" 1) (int64 1) }}')).toContain('error calling index: value has type int64; should be string');
  });

  it('an int64 for an int parameter is a type error, as in Go', () => {
    expect(fails('{{ until (add 1 2) }}')).toBe(
      'template: tpl/templates:1:16: executing "tpl/templates" at <2>: wrong type for value; expected int; got int64');
    expect(fails('{{ add 1 2 | until }}')).toContain('at <until>: wrong type for value; expected int; got int64');
    expect(fails('{{ trunc (sub 3 1) "abcdef" }}')).toContain('wrong type for value; expected int; got int64');
    expect(fails('{{ round 3.14159 (int64 2) }}')).toContain('wrong type for value; expected int; got int64');
    expect(fails('{{ derivePassword (int64 1) "long" "p" "u" "s" }}')).toContain('wrong type for value; expected uint32; got int64');
    expect(fails('{{ derivePassword .Values.n "long" "p" "u" "s" }}', { n: 1 })).toContain('wrong type for value; expected uint32; got int');
    expect(render('{{ derivePassword 1 "long" "password" "user" "example.com" }}')).toBe('ZedaFaxcZaso9*');
    // ... and `int` converts.
    expect(render('{{ (int64 3) | int | until }}|{{ trunc (sub 3 1 | int) "abcdef" }}')).toBe('[0 1 2]|ab');
  });

  it('text/template\'s own index, slice, len, eq and lt (Helm replaces slice with sprig\'s)', () => {
    expect(slice(['a', 'b', 'c'], [1n, 2n])).toEqual(['b']);
    expect(slice('héllo', [0n, 3n])).toBe('hé');
    expect(() => slice(['a'], [2n])).toThrow('index out of range: 2');
    expect(index(['a', 'b'], [1n])).toBe('b');
    expect(length([1n, 2n])).toBe(2);
    expect(eq(3n, [1, 3])).toBe(true);
    expect(lt(-9223372036854775808n, -9223372036854775807n)).toBe(true);
    expect(eq(9007199254740993n, [9007199254740992n])).toBe(false);
  });

  it('range, len and fields fail as for an int', () => {
    expect(fails('{{ range add 1 2 }}x{{ end }}')).toContain('range can\'t iterate over 3');
    expect(fails('{{ (int64 3).Foo }}')).toContain('can\'t evaluate field Foo in type int64');
    expect(fails('{{ len (int64 3) }}')).toContain('error calling len: len of type int64');
  });
});

describe('int64: dates and durations', () => {
  it('duration honours int64 and strings only', () => {
    expect(render('{{ duration 95 }}|{{ duration (int64 95) }}|{{ duration (add 60 0) }}|{{ duration "3600" }}|{{ duration .Values.n }}', { n: 95 }))
      .toBe('0s|1m35s|1m0s|1h0m0s|0s');
  });

  it('durationRound takes int64 nanoseconds', () => {
    expect(render('{{ durationRound 90061 }}|{{ durationRound (mul 90061 1000000000) }}|{{ durationRound (int64 "3600000000000") }}')).toBe('0s|1d|60m');
  });

  it('date takes Unix seconds as int64', () => {
    expect(render('{{ date "2006-01-02" (int64 86400) }}|{{ htmlDate (mul 2 86400) }}')).toBe('1970-01-02|1970-01-03');
  });
});

describe('int64: overflow', () => {
  it('wraps like Go and stays exact beyond 2^53', () => {
    expect(render('{{ add1 9223372036854775807 }}|{{ int64 "9223372036854775807" }}|{{ mul (int64 4294967296) 4294967296 }}|{{ div (int64 -7) 2 }}|{{ mod -7 2 }}'))
      .toBe('-9223372036854775808|9223372036854775807|0|-3|-1');
    expect(render('{{ add (int64 "9007199254740993") 0 }}')).toBe('9007199254740993');
  });
});
