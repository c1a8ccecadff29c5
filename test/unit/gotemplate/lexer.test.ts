import { describe, expect, it } from 'vitest';
import { Item, Lexer, itemString } from '../../../src/gotemplate/lexer.js';

/** All items of a text up to and including EOF or an error. */
function lex(text: string): Item[] {
  const l = new Lexer('t', text);
  const out: Item[] = [];
  for (;;) {
    const i = l.nextItem();
    out.push(i);
    if (i.type === 'eof' || i.type === 'error') return out;
  }
}
const brief = (text: string) => lex(text).map((i) => `${i.type}:${i.val}`);

describe('lexer', () => {
  it('splits text and actions', () => {
    expect(brief('a{{ .X }}b')).toEqual(['text:a', 'leftDelim:{{', 'space: ', 'field:.X', 'space: ', 'rightDelim:}}', 'text:b', 'eof:']);
  });
  it('lexes every token kind of an action', () => {
    expect(brief('{{$x := .A.B | f "s" `r` \'c\' 1.5e3 0x1F true nil . ( ) = ,}}').filter((s) => s !== 'space: ')).toEqual([
      'leftDelim:{{', 'variable:$x', 'declare::=', 'field:.A', 'field:.B', 'pipe:|', 'identifier:f', 'string:"s"',
      'rawString:`r`', "charConstant:'c'", 'number:1.5e3', 'number:0x1F', 'bool:true', 'nil:nil', 'dot:.',
      'leftParen:(', 'rightParen:)', 'assign:=', 'char:,', 'rightDelim:}}', 'eof:',
    ]);
  });
  it('lexes keywords', () => {
    expect(brief('{{if}}{{else}}{{end}}{{range}}{{with}}{{define}}{{template}}{{block}}{{break}}{{continue}}')
      .filter((s) => !s.startsWith('leftDelim') && !s.startsWith('rightDelim')))
      .toEqual(['if:if', 'else:else', 'end:end', 'range:range', 'with:with', 'define:define', 'template:template',
        'block:block', 'break:break', 'continue:continue', 'eof:']);
  });
  it('trims spaces around {{- and -}}', () => {
    expect(brief('a \n\t{{- 1 -}} \n b')).toEqual(['text:a', 'leftDelim:{{', 'number:1', 'rightDelim:}}', 'text:b', 'eof:']);
    // "{{-3}}" is the number -3, not a trim marker.
    expect(brief('a {{-3}}')).toEqual(['text:a ', 'leftDelim:{{', 'number:-3', 'rightDelim:}}', 'eof:']);
  });
  it('drops comments, trimming around them', () => {
    expect(brief('x {{- /* c */ -}} y{{/* d */}}z')).toEqual(['text:x', 'text:y', 'text:z', 'eof:']);
  });
  it('counts lines across text, trimmed space and raw strings', () => {
    const items = lex('a\nb{{ `x\ny` }}\n{{- .Z }}');
    expect(items.map((i) => `${i.type}@${i.line}`)).toEqual([
      'text@1', 'leftDelim@2', 'space@2', 'rawString@2', 'space@3', 'rightDelim@3', 'leftDelim@4', 'field@4', 'space@4', 'rightDelim@4', 'eof@4',
    ]);
  });
  it('accepts newlines inside actions', () => {
    expect(brief('{{ f\n 1 }}').at(-2)).toBe('rightDelim:}}');
  });
  it('reports errors with Go texts', () => {
    const err = (t: string) => lex(t).at(-1)!;
    expect(err('{{ .A').val).toBe('unclosed action');
    expect(err('{{ .A-b }}').val).toBe("bad character U+002D '-'");
    expect(err('{{ "abc }}').val).toBe('unterminated quoted string');
    expect(err('{{ `abc }}').val).toBe('unterminated raw quoted string');
    expect(err("{{ 'a }}").val).toBe('unterminated character constant');
    expect(err('{{ 3k }}').val).toBe('bad number syntax: "3k"');
    expect(err('{{ ( }}').val).toBe('unclosed left paren');
    expect(err('{{ ) }}').val).toBe('unexpected right paren');
    expect(err('{{ a:b }}').val).toBe('expected :=');
    expect(err('{{/* x }}').val).toBe('unclosed comment');
    expect(err('{{/* x */ 1 }}').val).toBe('comment ends before closing delimiter');
  });
  it('prints items as Go does in parse errors', () => {
    const items = lex('{{ end "a very long string" }}');
    expect(itemString(items[2]!)).toBe('<end>');
    expect(itemString(items[4]!)).toBe('"\\"a very lo"...');
    expect(itemString({ type: 'eof', pos: 0, val: '', line: 1 })).toBe('EOF');
  });
});
