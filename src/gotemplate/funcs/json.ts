/**
 * Go's encoding/json over the value model: Marshal (sorted map keys, Go float formatting,
 * HTML escaping), MarshalIndent, and Unmarshal into interface{} (numbers become float64) with
 * Go's syntax error texts.
 */
import { formatFloat } from '../format.js';
import { GoFloat, GoStruct, GoTime, type GoMap, type Value } from '../value.js';
import { formatTime, RFC3339NANO } from './timefmt.js';
import { byteCompare } from './lists.js';

export class JsonError extends Error {}

const HEX = '0123456789abcdef';

/** A JSON string as Go's encoder writes it. */
export function jsonString(s: string, escapeHTML: boolean): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0xd800 && c <= 0xdfff) { out += '\\ufffd'; continue; } // a lone surrogate: invalid UTF-8 to Go
    if (c >= 0x20 && ch !== '"' && ch !== '\\' && !(escapeHTML && (ch === '<' || ch === '>' || ch === '&')) && c !== 0x2028 && c !== 0x2029) {
      out += ch;
      continue;
    }
    switch (ch) {
      case '"': out += '\\"'; continue;
      case '\\': out += '\\\\'; continue;
      case '\n': out += '\\n'; continue;
      case '\r': out += '\\r'; continue;
      case '\t': out += '\\t'; continue;
      case '\b': out += '\\b'; continue;
      case '\f': out += '\\f'; continue;
    }
    out += c > 0xff ? '\\u' + c.toString(16).padStart(4, '0') : '\\u00' + HEX[c >> 4] + HEX[c & 15];
  }
  return out + '"';
}

/** Go's JSON float text (encoding/json floatEncoder). */
export function jsonFloat(f: number): string {
  if (!Number.isFinite(f)) throw new JsonError(`json: unsupported value: ${formatFloat(f, 'g', -1)}`);
  const abs = Math.abs(f);
  const fmt = abs !== 0 && (abs < 1e-6 || abs >= 1e21) ? 'e' : 'f';
  let s = formatFloat(f, fmt, -1);
  if (fmt === 'e') s = s.replace(/e-0(\d)$/, 'e-$1');
  return s;
}

/** json.Marshal / MarshalIndent(v, "", indent) / Encoder with SetEscapeHTML. */
export function marshalJson(v: Value, opts: { indent?: string; escapeHTML?: boolean } = {}): string {
  const esc = opts.escapeHTML ?? true;
  const ind = opts.indent ?? '';
  const enc = (x: Value, depth: number): string => {
    if (x === null) return 'null';
    switch (typeof x) {
      case 'string': return jsonString(x, esc);
      case 'boolean': return x ? 'true' : 'false';
      case 'number': return Number.isSafeInteger(x) ? String(x) : BigInt(x).toString();
      case 'bigint': return x.toString();
    }
    if (x instanceof GoFloat) return jsonFloat(x.f);
    if (x instanceof GoTime) return jsonString(formatTime(x, RFC3339NANO), esc);
    const nl = ind ? '\n' + ind.repeat(depth + 1) : '';
    const close = ind ? '\n' + ind.repeat(depth) : '';
    const colon = ind ? ': ' : ':';
    if (typeof (x as unknown as { String?: unknown }).String === 'function' && x instanceof GoStruct) {
      return jsonString((x as unknown as { String(): string }).String(), esc);
    }
    if (Array.isArray(x)) {
      if (x.length === 0) return '[]';
      return '[' + x.map((e) => nl + enc(e, depth + 1)).join(',') + close + ']';
    }
    const entries: [string, Value][] = x instanceof GoStruct ? [...x.fields] : [...(x as GoMap)].sort((a, b) => byteCompare(a[0], b[0]));
    if (entries.length === 0) return '{}';
    return '{' + entries.map(([k, e]) => nl + jsonString(k, esc) + colon + enc(e, depth + 1)).join(',') + close + '}';
  };
  return enc(v, 0);
}

// ----- decoding ---------------------------------------------------------------------------------

function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return "'\"'";
  const q = JSON.stringify(c);
  return "'" + q.slice(1, -1) + "'";
}

/**
 * json.Unmarshal into interface{}: objects → GoMap, numbers → float64. With numbers 'written',
 * a number written without '.' or exponent is an int instead, as yaml.v3 types a job's options
 * (the golden vectors' and `template render --values x.json`'s rule).
 */
export function parseJson(text: string, numbers: 'float64' | 'written' = 'float64'): Value {
  let i = 0;
  const n = text.length;
  const err = (msg: string) => new JsonError(msg);
  const eof = () => err('unexpected end of JSON input');
  const ws = () => { while (i < n && ' \t\n\r'.includes(text[i]!)) i++; };
  const bad = (ctx: string) => (i >= n ? eof() : err(`invalid character ${quoteChar(text[i]!)} ${ctx}`));

  const value = (): Value => {
    ws();
    if (i >= n) throw eof();
    const c = text[i]!;
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    for (const [lit, val] of [['true', true], ['false', false], ['null', null]] as const) {
      if (c === lit[0]) {
        i++;
        for (let k = 1; k < lit.length; k++, i++) {
          if (i >= n) throw eof();
          if (text[i] !== lit[k]) throw err(`invalid character ${quoteChar(text[i]!)} in literal ${lit} (expecting ${quoteChar(lit[k]!)})`);
        }
        return val;
      }
    }
    throw bad('looking for beginning of value');
  };
  const object = (): GoMap => {
    i++;
    const m: GoMap = new Map();
    ws();
    if (text[i] === '}') { i++; return m; }
    for (;;) {
      ws();
      if (text[i] !== '"') throw bad('looking for beginning of object key string');
      const k = string();
      ws();
      if (text[i] !== ':') throw bad('after object key');
      i++;
      m.set(k, value());
      ws();
      if (text[i] === ',') { i++; continue; }
      if (text[i] === '}') { i++; return m; }
      throw bad('after object key:value pair');
    }
  };
  const array = (): Value[] => {
    i++;
    const a: Value[] = [];
    ws();
    if (text[i] === ']') { i++; return a; }
    for (;;) {
      a.push(value());
      ws();
      if (text[i] === ',') { i++; continue; }
      if (text[i] === ']') { i++; return a; }
      throw bad('after array element');
    }
  };
  const string = (): string => {
    i++;
    let out = '';
    for (;;) {
      if (i >= n) throw eof();
      const c = text[i]!;
      if (c === '"') { i++; return out; }
      if (c < ' ') throw bad('in string literal');
      if (c === '\\') {
        i++;
        if (i >= n) throw eof();
        const e = text[i]!;
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e in simple) { out += simple[e]; i++; continue; }
        if (e === 'u') {
          const h = text.slice(i + 1, i + 5);
          for (let k = 0; k < 4; k++) {
            if (i + 1 + k >= n) throw eof();
            if (!/[0-9a-fA-F]/.test(text[i + 1 + k]!)) { i = i + 1 + k; throw bad('in \\u hexadecimal character escape'); }
          }
          out += String.fromCharCode(parseInt(h, 16));
          i += 5;
          continue;
        }
        throw bad('in string escape code');
      }
      out += c;
      i++;
    }
  };
  const number = (): GoFloat | number => {
    const start = i;
    let integral = true;
    if (text[i] === '-') i++;
    if (i >= n) throw eof();
    if (text[i] === '0') i++;
    else if (text[i]! >= '1' && text[i]! <= '9') while (i < n && /[0-9]/.test(text[i]!)) i++;
    else throw bad('in numeric literal');
    if (text[i] === '.') {
      i++;
      integral = false;
      if (i >= n) throw eof();
      if (!/[0-9]/.test(text[i]!)) throw bad('after decimal point in numeric literal');
      while (i < n && /[0-9]/.test(text[i]!)) i++;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      integral = false;
      if (text[i] === '+' || text[i] === '-') i++;
      if (i >= n) throw eof();
      if (!/[0-9]/.test(text[i]!)) throw bad('in exponent of numeric literal');
      while (i < n && /[0-9]/.test(text[i]!)) i++;
    }
    const f = Number(text.slice(start, i));
    if (numbers === 'written' && integral) return f;
    if (!Number.isFinite(f)) throw err(`json: cannot unmarshal number ${text.slice(start, i)} into Go value of type float64`);
    return new GoFloat(f);
  };
  const v = value();
  ws();
  if (i < n) throw bad('after top-level value');
  return v;
}

/** The JSON kind name Go's UnmarshalTypeError uses. */
export function jsonKind(v: Value): string {
  if (Array.isArray(v)) return 'array';
  if (v instanceof Map) return 'object';
  if (v instanceof GoFloat) return 'number';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  return 'null';
}
