import { describe, expect, it } from 'vitest';
import { GoFuncError, typedSlice } from '../../../../src/gotemplate/value.js';
import { call, m, show } from './call.js';

const NIL = 'runtime error: invalid memory address or nil pointer dereference';

describe('list functions', () => {
  it('first/last/rest/initial and their panics', () => {
    const l = ['a', 'b', 'c'];
    expect(call('first', l)).toBe('a');
    expect(call('last', l)).toBe('c');
    expect(call('rest', l)).toEqual(['b', 'c']);
    expect(call('initial', l)).toEqual(['a', 'b']);
    expect(call('first', [])).toBe(null);
    expect(call('rest', [])).toEqual([]);
    expect(() => call('first', null)).toThrow(new GoFuncError(NIL));
    expect(() => call('mustLast', 'x')).toThrow(new GoFuncError('Cannot find last on type string'));
  });

  it('append, prepend, concat, reverse, compact, uniq, without, has', () => {
    const l = ['a', 'b'];
    expect(call('append', l, 'z')).toEqual(['a', 'b', 'z']);
    expect(l).toEqual(['a', 'b']);
    expect(call('prepend', l, '0')).toEqual(['0', 'a', 'b']);
    expect(() => call('append', 'x', 1)).toThrow('Cannot push on type string');
    expect(call('concat', [1, 2], [3], ['x'])).toEqual([1, 2, 3, 'x']);
    expect(() => call('concat', [1], 'x')).toThrow('Cannot concat type string as list');
    expect(call('reverse', [1, 2, 3])).toEqual([3, 2, 1]);
    expect(call('compact', ['a', '', 0, 'b', null, false])).toEqual(['a', 'b']);
    expect(call('uniq', [1, 2, 2, 'a', 'a', m({ x: 1 }), m({ x: 1 })])).toEqual([1, 2, 'a', m({ x: 1 })]);
    expect(call('without', ['a', 'b', 'c'], 'b', 'c')).toEqual(['a']);
    expect(call('has', 'b', ['a', 'b'])).toBe(true);
    expect(call('has', 4, [1, 2])).toBe(false);
    expect(call('has', 1, null)).toBe(false);
  });

  it('slice is sprig\'s (lists only, keeps the slice type)', () => {
    expect(show('slice', ['a', 'b', 'c'], 1)).toBe('[b c]');
    expect(show('slice', ['a', 'b', 'c'], 1, 2)).toBe('[b]');
    expect(call('slice', [])).toBe(null);
    expect(() => call('slice', 'hello', 1, 3)).toThrow('list should be type of slice or array but string');
    expect(show('typeOf', call('slice', typedSlice(['a', 'b'], '[]string'), 1))).toBe('[]string');
  });

  it('sortAlpha, chunk, until, untilStep, seq', () => {
    expect(show('sortAlpha', ['pear', 'Apple', 'banana'])).toBe('[Apple banana pear]');
    expect(show('sortAlpha', [10, 9, 100])).toBe('[10 100 9]');
    expect(show('chunk', 2, [1, 2, 3, 4, 5])).toBe('[[1 2] [3 4] [5]]');
    expect(show('until', 4)).toBe('[0 1 2 3]');
    expect(show('until', -3)).toBe('[0 -1 -2]');
    expect(show('untilStep', 0, 10, 3)).toBe('[0 3 6 9]');
    expect(call('seq', 3)).toBe('1 2 3');
    expect(call('seq', 2, 5)).toBe('2 3 4 5');
    expect(call('seq', 5, -2, 1)).toBe('5 3 1');
    expect(call('seq', 0)).toBe('1 0');
    expect(call('seq', 1, 2, 8)).toBe('1 3 5 7');
    expect(call('seq')).toBe('');
  });
});

describe('dict functions', () => {
  it('dict, get, set, unset, hasKey, pluck, pick, omit', () => {
    expect(show('dict', 'b', 2, 'a', 1)).toBe('map[a:1 b:2]');
    expect(show('dict', 'a', 1, 'b')).toBe('map[a:1 b:]');
    const d = m({ a: 1 });
    expect(call('get', d, 'a')).toBe(1);
    expect(call('get', d, 'b')).toBe('');
    expect(call('set', d, 'c', 3)).toBe(d);
    expect(call('hasKey', d, 'c')).toBe(true);
    call('unset', d, 'a');
    expect(show('dict', ...[...d].flat())).toBe('map[c:3]');
    expect(show('pluck', 'name', m({ name: 'a' }), m({ x: 1 }), m({ name: 'b' }))).toBe('[a b]');
    const abc = m({ a: 1, b: 2, c: 3 });
    expect(show('pick', abc, 'a', 'c')).toBe('map[a:1 c:3]');
    expect(show('omit', abc, 'a')).toBe('map[b:2 c:3]');
    expect(show('sortAlpha', call('keys', abc, m({ z: 1 })))).toBe('[a b c z]');
  });

  it('merge and mergeOverwrite follow mergo', () => {
    const dst = () => m({ a: 1, n: m({ x: 1 }), e: '', l: [1] });
    const src = m({ a: 2, b: 3, n: m({ y: 2 }), e: 'filled', l: [9, 9] });
    expect(show('toJson', call('merge', dst(), src))).toBe('{"a":1,"b":3,"e":"filled","l":[1],"n":{"x":1,"y":2}}');
    expect(show('toJson', call('mergeOverwrite', dst(), src))).toBe('{"a":2,"b":3,"e":"filled","l":[9,9],"n":{"x":1,"y":2}}');
    // Overwrite copies empty values too (false replaces true), and never copies nil over values in merge.
    expect(show('toJson', call('mergeOverwrite', m({ k: true }), m({ k: false })))).toBe('{"k":false}');
    expect(show('toJson', call('merge', m({ k: 'v' }), m({ k: null })))).toBe('{"k":"v"}');
  });

  it('deepCopy and dig', () => {
    const orig = m({ a: 1, l: [m({ b: 2 })] });
    const c = call('deepCopy', orig) as Map<string, unknown>;
    (c.get('l') as Map<string, unknown>[])[0]!.set('b', 9);
    expect(show('toJson', orig)).toBe('{"a":1,"l":[{"b":2}]}');
    const d = m({ a: m({ b: 'found' }) });
    expect(call('dig', 'a', 'b', 'def', d)).toBe('found');
    expect(call('dig', 'a', 'x', 'def', d)).toBe('def');
    expect(() => call('dig', 'a', 'b', 'c', 'def', d)).toThrow('interface conversion: interface {} is string, not map[string]interface {}');
  });
});
