/**
 * A tiny JSON decoder into the Go value model, typed as yaml.v3 types a job's options: a number
 * written without '.' or exponent is an int, any other number a float64 (the golden README's
 * rule, which JSON.parse cannot follow because it forgets how a number was written).
 */
import { GoFloat, type Value } from '../../../src/gotemplate/value.js';

export function decodeJsonValue(text: string): Value {
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++; };
  const fail = (what: string): never => { throw new SyntaxError(`JSON: ${what} at ${i}`); };
  const value = (): Value => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const m = new Map<string, Value>();
      ws();
      if (text[i] === '}') { i++; return m; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('key');
        const k = string();
        ws();
        if (text[i++] !== ':') fail('colon');
        m.set(k, value());
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i++] !== '}') fail('object end');
        return m;
      }
    }
    if (c === '[') {
      i++;
      const a: Value[] = [];
      ws();
      if (text[i] === ']') { i++; return a; }
      for (;;) {
        a.push(value());
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i++] !== ']') fail('array end');
        return a;
      }
    }
    if (c === '"') return string();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, i)) { i += word.length; return v; }
    }
    const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
    if (!m) fail('value');
    i += m![0].length;
    return m![1] || m![2] ? new GoFloat(Number(m![0])) : Number(m![0]);
  };
  const string = (): string => {
    const start = i;
    i++;
    while (text[i] !== '"') { if (text[i] === '\\') i++; i++; if (i > text.length) fail('string'); }
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const v = value();
  ws();
  if (i !== text.length) fail('trailing data');
  return v;
}
