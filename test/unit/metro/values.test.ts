import { describe, expect, it } from 'vitest';
import { GoFloat, type Value } from '../../../src/gotemplate/value.js';
import { applySet, decodeValuesFile, loadValues, mergeValues } from '../../../src/metro/values.js';
import { UsageError } from '../../../src/util/errors.js';

const m = (o: Record<string, Value>): Map<string, Value> => new Map(Object.entries(o));
const set = (...exprs: string[]) => { const v = new Map<string, Value>(); for (const e of exprs) applySet(e, v); return v; };

describe('template render values', () => {
  it('--set follows Helm strvals: nesting, lists, indexes, several assignments, typing, escapes', () => {
    expect(set('a.b=c')).toEqual(m({ a: m({ b: 'c' }) }));
    expect(set('a=1,b=true,c=False,d=0,e=007,f=1.5,g=x y')).toEqual(m({ a: 1, b: true, c: false, d: 0, e: '007', f: '1.5', g: 'x y' }));
    expect(set('l={x,2,true}')).toEqual(m({ l: ['x', 2, true] }));
    expect(set('l[1]=b', 'l[0]=a')).toEqual(m({ l: ['a', 'b'] }));
    expect(set('l[0].n=1')).toEqual(m({ l: [m({ n: 1 })] }));
    expect(set('a\\.b=c\\,d')).toEqual(m({ 'a.b': 'c,d' }));
    expect(set('a.b=1', 'a.c=2', 'a.b=null')).toEqual(m({ a: m({ c: 2 }) }));
    expect(() => set('novalue')).toThrow(new UsageError('--set novalue: key "novalue" has no value'));
    expect(() => set('l={a,b')).toThrow(UsageError);
  });

  it('values files: YAML like a spec\'s options, JSON with ints and floats by their written form; later files merge deeply', () => {
    const files: Record<string, string> = {
      'a.yaml': 'x: 1.10\nnest: {a: 1, b: 2}\nd: 2024-09-14\n',
      'b.json': '{"nest": {"b": 3.0, "c": [1, 2.5]}, "y": 10}',
    };
    const v = loadValues(['a.yaml', 'b.json'], ['nest.a=9'], (f) => files[f]!);
    expect(v.get('x')).toEqual(new GoFloat(1.1));
    expect(v.get('y')).toBe(10);
    expect(v.get('nest')).toEqual(m({ a: 9, b: new GoFloat(3), c: [1, new GoFloat(2.5)] }));
    expect(mergeValues(m({ a: m({ x: 1 }) }), m({ a: 'flat' }))).toEqual(m({ a: 'flat' }));
    expect(() => decodeValuesFile('- a\n', 'l.yaml')).toThrow('--values l.yaml: expected a mapping of values at the top level');
    expect(decodeValuesFile('', 'e.yaml')).toEqual(new Map());
    expect(() => loadValues(['nope.yaml'], [], () => { throw Object.assign(new Error('x'), { code: 'ENOENT' }); })).toThrow('--values nope.yaml: no such file');
  });
});
