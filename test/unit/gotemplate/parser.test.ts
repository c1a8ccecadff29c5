import { describe, expect, it } from 'vitest';
import { BUILTIN_NAMES, ParseError, nodeString, parseTemplates, type Tree } from '../../../src/gotemplate/parse.js';

const funcs = new Set(['upper', 'quote', 'default', 'include']);
const parse = (text: string) => parseTemplates('t', text, (n) => funcs.has(n) || BUILTIN_NAMES.has(n));
const main = (text: string): Tree => parse(text).get('t')!;
const parseError = (text: string) => {
  try { parse(text); } catch (e) { if (e instanceof ParseError) return e.message; throw e; }
  return 'no error';
};

describe('parser', () => {
  it('round-trips actions through Node.String()', () => {
    for (const t of [
      '{{.A.B | upper | quote}}',
      '{{$x := 1}}{{$x = 2}}',
      '{{range $i, $v := .L}}{{$i}}{{else}}none{{end}}',
      '{{if .A}}a{{else}}{{if .B}}b{{end}}{{end}}',
      '{{with $x := .A}}{{$x.B}}{{end}}',
      '{{template "x" .}}',
      '{{(.A).B}}',
      '{{printf "%d" (len .L)}}',
      '{{1.5}}{{0x1F}}{{\'a\'}}{{true}}{{`raw`}}',
    ]) expect(nodeString(main(t).root)).toBe(t);
  });
  it('parses else if / else with as a nested branch', () => {
    expect(nodeString(main('{{if .A}}a{{else if .B}}b{{else}}c{{end}}').root)).toBe('{{if .A}}a{{else}}{{if .B}}b{{else}}c{{end}}{{end}}');
    expect(nodeString(main('{{with .A}}a{{else with .B}}b{{end}}').root)).toBe('{{with .A}}a{{else}}{{with .B}}b{{end}}{{end}}');
  });
  it('collects define and block trees', () => {
    const set = parse('{{define "a"}}A{{end}}x{{block "b" .}}B{{end}}');
    expect([...set.keys()].sort()).toEqual(['a', 'b', 't']);
    expect(nodeString(set.get('t')!.root)).toBe('x{{template "b" .}}');
    // An empty definition never replaces a non-empty one, and may be replaced.
    expect(nodeString(parse('{{define "a"}}A{{end}}{{define "a"}} {{end}}').get('a')!.root)).toBe('A');
  });
  it('keeps Go number constant kinds', () => {
    const num = (t: string) => (main(`{{${t}}}`).root.nodes[0] as { pipe: { cmds: { args: unknown[] }[] } }).pipe.cmds[0]!.args[0] as Record<string, unknown>;
    expect(num('1.0')).toMatchObject({ isInt: true, isFloat: true, int: 1 });
    expect(num('1.5')).toMatchObject({ isInt: false, isFloat: true, float: 1.5 });
    expect(num('0x1F')).toMatchObject({ isInt: true, int: 31 });
    expect(num('0o17')).toMatchObject({ int: 15 });
    expect(num('017')).toMatchObject({ int: 15 });
    expect(num('0b101')).toMatchObject({ int: 5 });
    expect(num('1_000')).toMatchObject({ int: 1000 });
    expect(num('1e3')).toMatchObject({ isInt: true, float: 1000 });
    expect(num("'\\n'")).toMatchObject({ isInt: true, int: 10 });
    expect(num('-7')).toMatchObject({ isInt: true, isUint: false, int: -7 });
  });
  it('accepts a trailing pipe, as Go does', () => {
    expect(nodeString(main('{{.A |}}').root)).toBe('{{.A}}');
  });
  it('reports parse errors with Go texts and lines', () => {
    expect(parseError('{{ .A')).toBe('template: t:1: unclosed action');
    expect(parseError('{{ if .A }}x')).toBe('template: t:1: unexpected EOF');
    expect(parseError('{{ foo 1 }}')).toBe('template: t:1: function "foo" not defined');
    expect(parseError('{{ $x }}')).toBe('template: t:1: undefined variable "$x"');
    expect(parseError('{{ .A-b }}')).toBe("template: t:1: bad character U+002D '-'");
    expect(parseError('{{ break }}')).toBe('template: t:1: {{break}} outside {{range}}');
    expect(parseError('{{ range .L }}{{ continue }}{{ end }}{{ continue }}')).toBe('template: t:1: {{continue}} outside {{range}}');
    expect(parseError('{{ end }}')).toBe('template: t:1: unexpected {{end}}');
    expect(parseError('a\n\n{{ else }}')).toBe('template: t:3: unexpected {{else}}');
    expect(parseError('{{ if }}{{ end }}')).toBe('template: t:1: missing value for if');
    expect(parseError('{{ .A | "x" }}')).toBe('template: t:1: non executable command in pipeline stage 2');
    expect(parseError('{{ "x".A }}')).toBe('template: t:1: unexpected . after term "\\"x\\""');
    expect(parseError('{{ define "b" }}1{{ end }}{{ block "b" . }}2{{ end }}')).toBe('template: t:1: template: multiple definition of template "b"');
    expect(parseError('{{ template .A }}')).toBe('template: t:1: unexpected ".A" in template clause');
    expect(parseError('{{ range $a, $b, $c := .L }}{{ end }}')).toBe('template: t:1: too many declarations in range');
    expect(parseError('{{ "\\q" }}')).toBe('template: t:1: invalid syntax');
    expect(parseError('{{ 99999999999999999999 }}')).toBe('template: t:1: integer overflow: "99999999999999999999"');
    expect(parseError('{{ if .A }}\n{{ else }}\n{{ else }}')).toBe('template: t:3: expected end; found {{else}}');
    expect(parseError('{{ (1 }}')).toBe('template: t:1: unclosed left paren');
  });
});
