import { describe, expect, it } from 'vitest';
import { executeTemplate, ExecError } from '../../../src/gotemplate/exec.js';
import { BUILTIN_NAMES, parseTemplates } from '../../../src/gotemplate/parse.js';
import { GoFloat, GoFuncError, GoStruct, typedSlice, type GoFunc, type Value } from '../../../src/gotemplate/value.js';

/** A few functions with the Go signatures sprig gives them. */
const funcs = new Map<string, GoFunc>([
  ['upper', { params: ['string'], results: 1, fn: (s) => (s as string).toUpperCase() }],
  ['repeat', { params: ['int', 'string'], results: 1, fn: (n, s) => (s as string).repeat(n as number) }],
  ['half', { params: ['float64'], results: 1, fn: (f) => new GoFloat((f as GoFloat).f / 2) }],
  ['list', { params: [], variadic: 'interface {}', results: 1, fn: (...a) => a }],
  ['strs', { params: ['[]string'], results: 1, fn: (l) => (l as string[]).join('+') }],
  ['split', { params: ['string'], results: 1, fn: (s) => typedSlice((s as string).split(','), '[]string') }],
  ['get', { params: ['map[string]interface {}', 'string'], results: 1, fn: (m, k) => (m as Map<string, Value>).get(k as string) ?? null }],
  ['boom', { params: ['string'], results: 2, fn: (m) => { throw new GoFuncError(m as string); } }],
  ['slice', { params: ['interface {}'], variadic: 'interface {}', results: 1, fn: () => 'sprig slice' }],
  ['i64', { params: ['interface {}'], results: 1, fn: (n) => BigInt(n as number) }],
  ['takes64', { params: ['int64'], results: 1, fn: (n) => `${typeof n}:${String(n)}` }],
]);

const obj = (o: Record<string, Value>): Map<string, Value> => new Map(Object.entries(o));

function run(text: string, values: Record<string, Value> = {}): string {
  const trees = parseTemplates('t', text, (n) => funcs.has(n) || BUILTIN_NAMES.has(n));
  return executeTemplate({ trees, funcs }, 't', obj({ Values: obj(values), Release: null }));
}
function fails(text: string, values: Record<string, Value> = {}): string {
  try { run(text, values); } catch (e) { if (e instanceof ExecError) return e.message; throw e; }
  return 'no error';
}

describe('exec: printing and fields', () => {
  it('prints values with %v and missing ones as <no value>', () => {
    expect(run('{{ .Values.s }}|{{ .Values.n }}|{{ .Values.f }}|{{ .Values.l }}|{{ .Values.m }}|{{ .Values.missing }}', {
      s: 'x', n: 42, f: new GoFloat(1.5), l: ['a', null, 3], m: obj({ b: 1, a: 2 }),
    })).toBe('x|42|1.5|[a <nil> 3]|map[a:2 b:1]|<no value>');
    expect(run('{{ 1.0 }} {{ 1e6 }} {{ 0x10 }} {{ \'a\' }} {{ 1_000 }} {{ -.5 }} {{ "s" }} {{ true }}')).toBe('1 1e+06 16 97 1000 -0.5 s true');
  });
  it('follows Go for nil and missing parents', () => {
    expect(run('[{{ .Values.a.missing }}]', { a: new Map() })).toBe('[<no value>]');
    expect(fails('{{ .Values.a.b }}')).toBe('template: t:1:10: executing "t" at <.Values.a.b>: nil pointer evaluating interface {}.b');
    expect(fails('{{ .Release.Name }}')).toBe('template: t:1:11: executing "t" at <.Release.Name>: nil pointer evaluating interface {}.Name');
    // A variable holding "no value" yields no value for fields, without an error.
    expect(run('{{ $x := .Values.missing }}[{{ $x.y }}]')).toBe('[<no value>]');
    expect(fails('\n\n  {{ .Values.s.y }}', { s: 'str' })).toBe('template: t:3:12: executing "t" at <.Values.s.y>: can\'t evaluate field y in type interface {}');
    expect(fails('{{ .Values.s 1 }}', { s: 'x' })).toBe('template: t:1:10: executing "t" at <.Values.s>: s is not a method but has arguments');
  });
  it('names a range element\'s type interface {} in field errors, as reflection does', () => {
    expect(fails('{{ range .Values.l }}{{ .x }}{{ end }}', { l: ['a'] })).toBe('template: t:1:24: executing "t" at <.x>: can\'t evaluate field x in type interface {}');
    expect(fails('{{ range $v := .Values.l }}{{ $v.x }}{{ end }}', { l: ['a'] })).toBe('template: t:1:32: executing "t" at <$v.x>: can\'t evaluate field x in type interface {}');
    expect(fails('{{ with .Values.s }}{{ .x }}{{ end }}', { s: 'a' })).toBe('template: t:1:23: executing "t" at <.x>: can\'t evaluate field x in type string');
  });
  it('calls methods a value offers through goMethod', () => {
    class Ver extends GoStruct {
      goMethod(name: string): GoFunc | undefined {
        if (name === 'Bump') return { params: ['int'], results: 1, fn: (n) => (this.fields.get('Major') as number) + (n as number) };
        return undefined;
      }
    }
    const v = new Ver('*semver.Version', new Map<string, Value>([['Major', 1]]));
    expect(run('{{ .Values.v.Major }} {{ .Values.v.Bump 2 }} {{ 5 | .Values.v.Bump }}', { v })).toBe('1 3 6');
    expect(fails('{{ .Values.v.Bump }}', { v })).toBe('template: t:1:10: executing "t" at <.Values.v.Bump>: wrong number of args for Bump: want 1 got 0');
  });
  it('reads struct fields', () => {
    const c = new GoStruct('chart.Metadata', new Map<string, Value>([['Name', 'tpl'], ['IsRoot', true]]));
    expect(run('{{ .Values.c.Name }} {{ .Values.c.IsRoot }}', { c })).toBe('tpl true');
    expect(fails('{{ .Values.c.Nope }}', { c })).toBe('template: t:1:10: executing "t" at <.Values.c.Nope>: can\'t evaluate field Nope in type interface {}');
  });
});

describe('exec: control structures', () => {
  it('if / else if / else with Go truth', () => {
    const t = '{{ if .Values.a }}A{{ else if .Values.b }}B{{ else }}C{{ end }}';
    expect(run(t, { a: 1 })).toBe('A');
    expect(run(t, { a: new GoFloat(0), b: [1] })).toBe('B');
    expect(run(t, { a: '', b: new Map() })).toBe('C');
  });
  it('with, else with, and variables scoped to end', () => {
    expect(run('{{ with .Values.a }}A={{ . }}{{ else with .Values.b }}B={{ . }}{{ else }}none{{ end }}', { b: 'bee' })).toBe('B=bee');
    expect(run('{{ $x := 1 }}{{ with .Values.a }}{{ $x := 2 }}{{ $x }}{{ end }}{{ $x }}', { a: true })).toBe('21');
    expect(run('{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}')).toBe('2');
  });
  it('range over lists and sorted maps, with else, break and continue', () => {
    expect(run('{{ range $i, $v := .Values.l }}{{ $i }}={{ $v }};{{ end }}', { l: ['x', 'y'] })).toBe('0=x;1=y;');
    expect(run('{{ range $k, $v := .Values.m }}{{ $k }}={{ $v }};{{ end }}', { m: obj({ b: 1, a: 2 }) })).toBe('a=2;b=1;');
    expect(run('{{ range .Values.l }}x{{ else }}empty{{ end }}', { l: [] })).toBe('empty');
    expect(run('{{ range .Values.nope }}x{{ else }}none{{ end }}')).toBe('none');
    expect(run('{{ range .Values.l }}{{ if eq . 3 }}{{ break }}{{ end }}{{ if eq . 1 }}{{ continue }}{{ end }}{{ . }}{{ end }}', { l: [0, 1, 2, 3, 4] })).toBe('02');
    expect(run('{{ $last := 0 }}{{ range .Values.l }}{{ $last = . }}{{ end }}{{ $last }}', { l: [1, 9] })).toBe('9');
    expect(run('{{ range .Values.l }}{{ $.Values.p }}{{ . }} {{ end }}', { p: '/', l: ['a', 'b'] })).toBe('/a /b ');
  });
  it('a continue in an inner range\'s else list continues the outer range', () => {
    expect(run('{{ range .Values.a }}<{{ range $.Values.b }}{{ else }}{{ continue }}{{ end }}{{ . }}>{{ end }}', { a: [1, 2], b: [] })).toBe('<<');
    expect(run('{{ range .Values.a }}<{{ range $.Values.b }}{{ else }}{{ break }}{{ end }}{{ . }}>{{ end }}', { a: [1, 2], b: [] })).toBe('<1><2>');
  });
  it('range errors on scalars (Go 1.23 has no range over int)', () => {
    expect(fails('{{ range .Values.f }}x{{ end }}', { f: new GoFloat(1.5) })).toBe('template: t:1:16: executing "t" at <.Values.f>: range can\'t iterate over 1.5');
    expect(fails('{{ range 3 }}x{{ end }}')).toBe('template: t:1:9: executing "t" at <3>: range can\'t iterate over 3');
  });
  it('define, template and block', () => {
    expect(run('{{ define "g" }}hi {{ . }}{{ end }}{{ template "g" .Values.n }}|{{ template "g" }}', { n: 'bob' })).toBe('hi bob|hi <no value>');
    expect(run('{{ block "b" "d" }}[{{ . }}]{{ end }}')).toBe('[d]');
    expect(fails('{{ template "nope" }}')).toBe('template: t:1:12: executing "t" at <{{template "nope"}}>: template "nope" not defined');
    expect(fails('{{ define "x" }}{{ upper 1 }}{{ end }}{{ template "x" }}')).toBe('template: t:1:25: executing "x" at <1>: expected string; found 1');
  });
  it('trims around {{- -}} and keeps newlines elsewhere', () => {
    expect(run('line1\n{{- if true }}\nline2\n{{- end }}\nline3\n')).toBe('line1\nline2\nline3\n');
    expect(run('a  {{- "b" -}}  c')).toBe('abc');
  });
});

describe('exec: functions and pipelines', () => {
  it('passes the previous command as the last argument', () => {
    expect(run('{{ "x" | printf "%s-%s" "a" }}')).toBe('a-x');
    expect(run('{{ .Values.s | upper | printf "%q" }}', { s: 'abc' })).toBe('"ABC"');
    expect(run('{{ printf "%s" (list 1 2) }}')).toBe('[%!s(int=1) %!s(int=2)]');
  });
  it('converts untyped constants to the parameter type', () => {
    expect(run('{{ repeat 3 "ab" }}|{{ repeat 2.0 "c" }}|{{ half 3 }}|{{ half 1.5 }}')).toBe('ababab|cc|1.5|0.75');
    expect(fails('{{ repeat 1.5 "a" }}')).toBe('template: t:1:10: executing "t" at <1.5>: expected integer; found 1.5');
    expect(fails('{{ upper 5 }}')).toBe('template: t:1:9: executing "t" at <5>: expected string; found 5');
    expect(fails('{{ upper nil }}')).toBe('template: t:1:9: executing "t" at <nil>: cannot assign nil to string');
  });
  it('checks value types as reflection does', () => {
    expect(fails('{{ upper .Values.missing }}')).toBe('template: t:1:16: executing "t" at <.Values.missing>: wrong type for value; expected string; got interface {}');
    expect(fails('{{ upper .Values.n }}', { n: 1 })).toBe('template: t:1:16: executing "t" at <.Values.n>: wrong type for value; expected string; got int');
    expect(fails('{{ upper (.Values.missing) }}')).toBe('template: t:1:17: executing "t" at <.Values.missing>: invalid value; expected string');
    expect(fails('{{ half .Values.n }}', { n: 1 })).toBe('template: t:1:15: executing "t" at <.Values.n>: wrong type for value; expected float64; got int');
    expect(run('{{ strs (split "a,b") }}')).toBe('a+b');
    expect(fails('{{ strs (list "a") }}')).toBe('template: t:1:14: executing "t" at <"a">: wrong type for value; expected []string; got []interface {}');
    expect(run('[{{ get .Values "nope" }}]')).toBe('[<no value>]');
  });
  it('checks the number of arguments', () => {
    expect(fails('{{ upper "a" "b" }}')).toBe('template: t:1:3: executing "t" at <upper>: wrong number of args for upper: want 1 got 2');
    expect(fails('{{ "a" | upper "b" }}')).toBe('template: t:1:9: executing "t" at <upper>: wrong number of args for upper: want 1 got 2');
    expect(fails('{{ printf }}')).toBe('template: t:1:3: executing "t" at <printf>: wrong number of args for printf: want at least 1 got 0');
  });
  it('wraps function errors', () => {
    expect(fails('\n{{ boom "bad" }}')).toBe('template: t:2:3: executing "t" at <boom "bad">: error calling boom: bad');
  });
  it('the func map overrides builtins of the same name', () => {
    expect(run('{{ slice "hello" 1 }}')).toBe('sprig slice');
  });
  it('reports non-functions given arguments', () => {
    expect(fails('{{ .Values.a | .Values.b }}', { a: 1, b: 2 })).toBe('template: t:1:22: executing "t" at <.Values.b>: b is not a method but has arguments');
    expect(fails('{{ 1 2 }}')).toBe('template: t:1:3: executing "t" at <1>: can\'t give argument to non-function 1');
    expect(fails('{{ nil }}')).toBe('template: t:1:3: executing "t" at <nil>: nil is not a command');
  });
});

describe('exec: int64 (bigint)', () => {
  it('an untyped constant takes the parameter\'s type: int64 for an int64 parameter', () => {
    expect(run('{{ takes64 7 }}|{{ takes64 -9223372036854775808 }}|{{ takes64 (i64 3) }}')).toBe('bigint:7|bigint:-9223372036854775808|bigint:3');
    expect(fails('{{ takes64 .Values.n }}', { n: 1 })).toBe('template: t:1:18: executing "t" at <.Values.n>: wrong type for value; expected int64; got int');
    expect(fails('{{ repeat (i64 2) "a" }}')).toBe('template: t:1:15: executing "t" at <2>: wrong type for value; expected int; got int64');
    expect(fails('{{ takes64 1.5 }}')).toBe('template: t:1:11: executing "t" at <1.5>: expected integer; found 1.5');
  });
  it('prints, tests and compares as an int', () => {
    expect(run('{{ i64 3 }}|{{ .Values.n }}|{{ printf "%T %T" (i64 3) .Values.n }}', { n: 5n })).toBe('3|5|int64 int64');
    expect(run('{{ if i64 0 }}t{{ else }}f{{ end }}{{ if .Values.n }}t{{ end }}', { n: 1n })).toBe('ft');
    expect(run('{{ eq (i64 3) 3 }} {{ eq 3 .Values.n }} {{ lt .Values.n 4 }} {{ ge (i64 2) 3 }} {{ ne (i64 1) (i64 1) }}', { n: 3n })).toBe('true true true false false');
    expect(fails('{{ eq (i64 1) 1.0 }}')).toContain('error calling eq: incompatible types for comparison');
    // (`slice` is the func map's here; int64.test calls the builtin's directly.)
    expect(run('{{ index .Values.l (i64 1) }}|{{ index "abc" (i64 1) }}', { l: ['a', 'b'] })).toBe('b|98');
    expect(fails('{{ index .Values.l (i64 -1) }}', { l: ['a'] })).toContain('error calling index: index out of range: -1');
    expect(fails('{{ range i64 2 }}{{ end }}')).toBe('template: t:1:13: executing "t" at <2>: range can\'t iterate over 2');
    expect(fails('{{ (i64 3).X }}')).toContain('can\'t evaluate field X in type int64');
    expect(fails('{{ .Values.n.X }}', { n: 1n })).toContain('can\'t evaluate field X in type interface {}'); // a map value
  });
});

describe('exec: builtins', () => {
  it('and/or short-circuit and return the deciding operand', () => {
    expect(run('[{{ and 1 0 "x" }}][{{ and 1 "y" }}][{{ or 0 "" }}][{{ or 0 "z" }}][{{ or true .Values.a.b.c }}]')).toBe('[0][y][][z][true]');
    expect(run('{{ not 0 }} {{ not "x" }} {{ not .Values.missing }}')).toBe('true false true');
  });
  it('compares with Go kind rules', () => {
    expect(run('{{ eq 1 1 }} {{ eq "a" "b" }} {{ eq 2 1 2 }} {{ ne 1 2 }} {{ eq .Values.missing "x" }} {{ eq .Values.f 1.5 }}', { f: new GoFloat(1.5) }))
      .toBe('true false true true false true');
    expect(run('{{ lt 1 2 }} {{ le 2 2 }} {{ gt 1 2 }} {{ ge 3 2 }} {{ lt "B" "a" }} {{ gt "10" "9" }} {{ lt 1.5 2.5 }}')).toBe('true true false true true false true');
    expect(fails('{{ eq 1 1.0 }}')).toBe('template: t:1:3: executing "t" at <eq 1 1.0>: error calling eq: incompatible types for comparison');
    expect(fails('{{ lt true false }}')).toBe('template: t:1:3: executing "t" at <lt true false>: error calling lt: invalid type for comparison');
    expect(fails('{{ lt .Values.l 1 }}', { l: [] })).toBe('template: t:1:3: executing "t" at <lt .Values.l 1>: error calling lt: invalid type for comparison');
    expect(fails('{{ eq 1 }}')).toBe('template: t:1:3: executing "t" at <eq 1>: error calling eq: missing argument for comparison');
  });
  it('index, len, slice', () => {
    const n = obj({ a: [obj({ b: 'no' }), obj({ b: 'yes' })] });
    expect(run('{{ index .Values.n "a" 1 "b" }}|{{ index .Values.l 0 }}|[{{ index .Values.n "x" }}]|{{ index "abc" 1 }}', { n, l: ['z'] })).toBe('yes|z|[<no value>]|98');
    expect(fails('{{ index .Values.l 1 }}', { l: ['z'] })).toBe('template: t:1:3: executing "t" at <index .Values.l 1>: error calling index: reflect: slice index out of range');
    expect(fails('{{ index .Values.l 2 }}', { l: ['z'] })).toBe('template: t:1:3: executing "t" at <index .Values.l 2>: error calling index: index out of range: 2');
    expect(fails('{{ index .Values.missing 0 }}')).toBe('template: t:1:3: executing "t" at <index .Values.missing 0>: error calling index: index of untyped nil');
    expect(fails('{{ index 1 0 }}')).toBe('template: t:1:3: executing "t" at <index 1 0>: error calling index: can\'t index item of type int');
    expect(run('{{ len "héllo" }} {{ len .Values.l }} {{ len .Values.m }}', { l: [1, 2], m: obj({ a: 1 }) })).toBe('6 2 1');
    expect(fails('{{ len 3 }}')).toBe('template: t:1:3: executing "t" at <len 3>: error calling len: len of type int');
    expect(fails('{{ len .Values.missing }}')).toBe('template: t:1:3: executing "t" at <len .Values.missing>: error calling len: len of nil pointer');
  });
  it('print, printf, println, html, js, urlquery', () => {
    expect(run('{{ print "a" "b" 1 2 }}|{{ println 1 "x" }}|{{ printf "%v|%s" .Values.missing .Values.missing }}')).toBe('ab1 2|1 x\n|<nil>|%!s(<nil>)');
    expect(run(`{{ html "<a href='x'>&\\"" }}`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;&#34;');
    expect(run(`{{ js "it's \\"q\\" <b>=\\n" }}`)).toBe('it\\\'s \\"q\\" \\u003Cb\\u003E\\u003D\\u000A');
    expect(run('{{ urlquery "a b&c/é" }}|{{ html .Values.missing }}')).toBe('a+b%26c%2F%C3%A9|&lt;no value&gt;');
  });
});
