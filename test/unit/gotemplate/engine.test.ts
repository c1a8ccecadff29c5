import { describe, expect, it } from 'vitest';
import { renderHelm, TemplateError } from '../../../src/gotemplate/engine.js';
import type { GoFunc, GoMap, Value } from '../../../src/gotemplate/value.js';

const funcs = new Map<string, GoFunc>([
  ['upper', { params: ['string'], results: 1, fn: (s) => (s as string).toUpperCase() }],
  ['dict', {
    params: [], variadic: 'interface {}', results: 1,
    fn: (...a) => { const m = new Map<string, Value>(); for (let i = 0; i < a.length; i += 2) m.set(String(a[i]), a[i + 1] ?? null); return m; },
  }],
  ['set', {
    params: ['map[string]interface {}', 'string', 'interface {}'], results: 1,
    fn: (m, k, v) => { (m as GoMap).set(k as string, v); return m; },
  }],
]);

const obj = (o: Record<string, Value>): GoMap => new Map(Object.entries(o));
const render = (text: string, values: Record<string, Value> = {}) => renderHelm(text, obj(values), { funcs });
function fails(text: string, values: Record<string, Value> = {}): string {
  try { render(text, values); } catch (e) { if (e instanceof TemplateError) return e.message; throw e; }
  return 'no error';
}

describe('renderHelm', () => {
  it('gives Helm\'s root object', () => {
    expect(render('{{ .Template.Name }}|{{ .Template.BasePath }}|{{ .Chart.Name }}|{{ .Chart.IsRoot }}|[{{ .Chart.Version }}]|{{ .Values.a }}', { a: 'A' }))
      .toBe('tpl/templates|tpl/templates|tpl|true|[]|A');
    expect(fails('{{ .Release.Name }}')).toBe('template: tpl/templates:1:11: executing "tpl/templates" at <.Release.Name>: nil pointer evaluating interface {}.Name');
  });
  it('offers the methods of an empty .Files', () => {
    expect(render('[{{ .Files.Get "x" }}][{{ .Files.GetBytes "x" }}][{{ (.Files.Glob "*").AsConfig }}][{{ .Files.Lines "x" }}][{{ len .Files }}]'))
      .toBe('[][[]][{}][[]][0]');
  });
  it('removes every <no value>, even literal ones', () => {
    expect(render('a<no value>b[{{ .Values.missing }}]{{ .Values.s }}', { s: 'x<no value>y' })).toBe('ab[]xy');
  });
  it('renders on a copy of the values', () => {
    const values = obj({ m: obj({ a: 1 }) });
    expect(renderHelm('{{ $_ := set .Values.m "a" 2 }}{{ .Values.m.a }}', values, { funcs })).toBe('2');
    expect((values.get('m') as GoMap).get('a')).toBe(1);
  });
  it('include executes a define with data and pipes its output', () => {
    expect(render('{{ define "x" }}hi {{ .name }}{{ end }}{{ include "x" (dict "name" "bob") | upper }}')).toBe('HI BOB');
    expect(fails('{{ include "nope" . }}')).toBe('template: tpl/templates:1:3: executing "tpl/templates" at <include "nope" .>: error calling include: template: no template "nope" associated with template "gotpl"');
    expect(fails('{{ define "x" }}{{ .a.b }}{{ end }}{{ include "x" . }}')).toBe(
      'template: tpl/templates:1:38: executing "tpl/templates" at <include "x" .>: error calling include: template: tpl/templates:1:21: executing "x" at <.a.b>: nil pointer evaluating interface {}.b');
  });
  it('caps recursive includes', () => {
    expect(fails('{{ define "r" }}{{ include "r" . }}{{ end }}{{ include "r" . }}')).toContain('rendering template has a nested reference name: r: unable to execute template');
  });
  it('tpl renders a string with the file\'s defines', () => {
    expect(render('{{ tpl .Values.t . }}', { t: '{{ .Values.a }}!', a: 'A' })).toBe('A!');
    expect(render('{{ define "p" }}P{{ end }}{{ tpl "{{ include \\"p\\" . }}" . }}')).toBe('P');
    expect(render('{{ tpl "{{ .x }}/{{ .missing }}" (dict "x" 1) }}')).toBe('1/');
    expect(fails('{{ tpl "{{ .Values.a " . }}')).toBe(
      'template: tpl/templates:1:3: executing "tpl/templates" at <tpl "{{ .Values.a " .>: error calling tpl: cannot parse template "{{ .Values.a ": template: gotpl:1: unclosed action');
    expect(fails('{{ tpl "{{ .Values.x.y }}" . }}')).toBe(
      'template: tpl/templates:1:3: executing "tpl/templates" at <tpl "{{ .Values.x.y }}" .>: error calling tpl: error during tpl function execution for "{{ .Values.x.y }}": template: gotpl:1:10: executing "gotpl" at <.Values.x.y>: nil pointer evaluating interface {}.y');
  });
  it('required fails only on nil and "", with Helm\'s wording', () => {
    expect(render('{{ required "n" .Values.n }}|{{ required "b" .Values.b }}', { n: 0, b: false })).toBe('0|false');
    expect(fails('{{ required "x is required" .Values.x }}')).toBe('execution error at (tpl/templates:1:3): x is required');
    expect(fails('\n {{ required "empty" .Values.s }}', { s: '' })).toBe('execution error at (tpl/templates:2:4): empty');
  });
  it('fail, also from inside tpl', () => {
    expect(fails('{{ if not .Values.arch }}{{ fail "arch option missing" }}{{ end }}')).toBe('execution error at (tpl/templates:1:28): arch option missing');
    expect(fails('{{ tpl "{{ fail \\"inner\\" }}" . }}')).toBe('execution error at (tpl/templates:1:3): inner');
  });
  it('words parse errors as Helm does', () => {
    expect(fails('{{ env "HOME" }}')).toBe('parse error at (tpl/templates:1): function "env" not defined');
    expect(fails('a\n{{ if .Values.a }}x')).toBe('parse error at (tpl/templates:2): unexpected EOF');
    expect(fails('{{ define "b" }}over{{ end }}{{ block "b" . }}default{{ end }}')).toBe('parse error at (tpl/templates:1): multiple definition of template "b"');
  });
  it('parses once and renders many times', () => {
    const t = '{{ range .Values.l }}{{ . }}{{ end }}';
    for (let i = 0; i < 3; i++) expect(render(t, { l: [i, i + 1] })).toBe(`${i}${i + 1}`);
  });
});
