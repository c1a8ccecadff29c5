import { describe, expect, it } from 'vitest';
import { GoFuncError } from '../../../../src/gotemplate/value.js';
import { helmFuncMap } from '../../../../src/gotemplate/funcs/index.js';
import { call, f, show } from './call.js';

describe('string functions', () => {
  it('registers sprig without env/expandenv, plus Helm extras', () => {
    const fm = helmFuncMap();
    expect(fm.has('env')).toBe(false);
    expect(fm.has('expandenv')).toBe(false);
    for (const n of ['toToml', 'fromToml', 'toYaml', 'toYamlPretty', 'fromYaml', 'fromYamlArray', 'toJson', 'fromJson',
      'fromJsonArray', 'lookup', 'getHostByName', 'mustToYaml', 'mustToJson']) expect(fm.has(n), n).toBe(true);
    for (const n of ['include', 'tpl', 'required', 'fail']) expect(fm.has(n), n).toBe(false);
    // 211 sprig functions - env - expandenv - fail + the Helm additions not in sprig
    expect(fm.size).toBe(211 - 3 + 9);
  });

  it('declares Go parameter types', () => {
    const fm = helmFuncMap();
    expect(fm.get('upper')!.params).toEqual(['string']);
    expect(fm.get('default')!.params).toEqual(['interface {}']);
    expect(fm.get('default')!.variadic).toBe('interface {}');
    expect(fm.get('date')!.params).toEqual(['string', 'interface {}']);
    expect(fm.get('semver')!.results).toBe(2);
  });

  it('cases and trimming', () => {
    expect(call('upper', 'abc')).toBe('ABC');
    expect(call('upper', 'straße')).toBe('STRAßE');
    expect(call('title', 'hello world-foo bar_baz')).toBe('Hello World-Foo Bar_baz');
    expect(call('untitle', 'Hello World')).toBe('hello world');
    expect(call('trim', '  \t x \n')).toBe('x');
    expect(call('trimAll', '$', '$5.00$')).toBe('5.00');
    expect(call('trimSuffix', '-', 'hello-')).toBe('hello');
    expect(call('trimPrefix', '-', '-hello')).toBe('hello');
    expect(call('nospace', 'h e l l o ')).toBe('hello');
    expect(call('swapcase', 'This Is A.Test')).toBe('tHIS iS a.tEST');
    expect(call('initials', 'first try')).toBe('ft');
  });

  it('snakecase, kebabcase, camelcase (xstrings)', () => {
    for (const [i, o] of [['FirstName', 'first_name'], ['HTTPServer', 'http_server'], ['NoHTTPS', 'no_https'],
      ['GO_PATH', 'go_path'], ['GO PATH', 'go_path'], ['GO-PATH', 'go_path']]) expect(call('snakecase', i!)).toBe(o);
    expect(call('kebabcase', 'FirstName')).toBe('first-name');
    for (const [i, o] of [['http_server', 'HttpServer'], ['_camel_case', '_CamelCase'], ['no_https', 'NoHttps'],
      ['_complex__case_', '_Complex_Case_'], ['all', 'All']]) expect(call('camelcase', i!)).toBe(o);
  });

  it('substr, trunc, abbrev, wrap with Go byte semantics', () => {
    expect(call('substr', 0, 7, '3f2a9b8c7d6e5f4a')).toBe('3f2a9b8');
    expect(call('substr', -1, 3, 'abcdef')).toBe('abc');
    expect(call('substr', 0, 100, 'short')).toBe('short');
    expect(() => call('substr', 10, 12, 'abc')).toThrow(new GoFuncError('runtime error: slice bounds out of range [10:3]'));
    expect(call('trunc', 5, 'hello world')).toBe('hello');
    expect(call('trunc', -5, 'hello world')).toBe('world');
    expect(call('abbrev', 5, 'hello world')).toBe('he...');
    expect(call('abbrevboth', 5, 10, '1234 5678 9123')).toBe('...5678...');
    expect(call('wrap', 10, 'the quick brown fox jumps')).toBe('the quick\nbrown fox\njumps');
    expect(call('wrapWith', 5, '<br>', 'Hello World')).toBe('Hello<br>World');
  });

  it('quote, squote, cat, indent, replace, repeat, plural', () => {
    expect(call('quote', 'a', null, 1, true)).toBe('"a" "1" "true"');
    expect(call('quote', 'a\tb"')).toBe('"a\\tb\\""');
    expect(call('squote', 'b', null)).toBe("'b'");
    expect(call('cat', 'a', null, 1, [1, 2])).toBe('a 1 [1 2]');
    expect(call('indent', 4, 'a\nb')).toBe('    a\n    b');
    expect(call('nindent', 2, 'a: 1\nb: 2')).toBe('\n  a: 1\n  b: 2');
    expect(call('replace', ' ', '-', 'a b c')).toBe('a-b-c');
    expect(call('repeat', 3, 'ab')).toBe('ababab');
    expect(call('plural', 'one', 'many', 2)).toBe('many');
    expect(call('contains', 'cat', 'fold the cat')).toBe(true);
    expect(call('hasPrefix', 'cat', 'catch')).toBe(true);
  });

  it('split, splitList, splitn, join, toStrings, toString, atoi', () => {
    expect(show('split', '$', 'foo$bar$baz')).toBe('map[_0:foo _1:bar _2:baz]');
    expect(show('splitn', '$', 2, 'foo$bar$baz')).toBe('map[_0:foo _1:bar$baz]');
    expect(call('splitList', '-', 'a-b-c')).toEqual(['a', 'b', 'c']);
    expect(call('join', ',', [1, 'a', null, f(2.5)])).toBe('1,a,2.5');
    expect(call('join', '+', 'single')).toBe('single');
    expect(show('toStrings', [1, 'a', true])).toBe('[1 a true]');
    expect(call('toString', 42)).toBe('42');
    expect(call('atoi', '42')).toBe(42);
    expect(call('atoi', 'x')).toBe(0);
  });

  it('random strings have the requested length and alphabet', () => {
    expect(call('randAlphaNum', 12)).toMatch(/^[a-zA-Z0-9]{12}$/);
    expect(call('randAlpha', 5)).toMatch(/^[a-zA-Z]{5}$/);
    expect(call('randNumeric', 5)).toMatch(/^[0-9]{5}$/);
    expect((call('randAscii', 20) as string).length).toBe(20);
    expect([...(call('shuffle', 'hello') as string)].sort().join('')).toBe('ehllo');
  });
});
