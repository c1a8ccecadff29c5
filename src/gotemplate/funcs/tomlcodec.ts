/**
 * TOML as Helm's toToml/fromToml see it through BurntSushi/toml: the encoder's layout (plain
 * keys first, then `[tables]` with two-space indentation per nesting level, `[[arrays]]` of
 * tables) and a decoder for TOML 1.0 documents (ints → int64, floats → float64, datetimes →
 * time.Time).
 */
import { formatFloat } from '../format.js';
import { GoFloat, GoStruct, GoTime, type GoMap, type Value } from '../value.js';
import { formatTime, parseTime, RFC3339NANO } from './timefmt.js';
import { UTC } from './zones.js';

const BARE = /^[A-Za-z0-9_-]+$/;
const quoteKey = (k: string) => (BARE.test(k) ? k : tomlString(k));

function tomlString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '"': out += '\\"'; continue;
      case '\\': out += '\\\\'; continue;
      case '\b': out += '\\b'; continue;
      case '\t': out += '\\t'; continue;
      case '\n': out += '\\n'; continue;
      case '\f': out += '\\f'; continue;
      case '\r': out += '\\r'; continue;
    }
    out += c < 0x20 || c === 0x7f ? '\\u' + c.toString(16).padStart(4, '0') : ch;
  }
  return out + '"';
}

const isTable = (v: Value) => v instanceof Map || (v instanceof GoStruct && !(typeof (v as unknown as { String?: unknown }).String === 'function'));
const isTableArray = (v: Value) => Array.isArray(v) && v.length > 0 && v.every(isTable);
const entriesOf = (v: Value): [string, Value][] => (v instanceof GoStruct ? [...v.fields] : [...(v as GoMap)]);

function element(v: Value): string {
  if (typeof v === 'string') return tomlString(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isSafeInteger(v) ? String(v) : BigInt(v).toString();
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof GoFloat) {
    if (Number.isNaN(v.f)) return 'nan';
    if (!Number.isFinite(v.f)) return v.f > 0 ? 'inf' : '-inf';
    const s = formatFloat(v.f, 'f', -1);
    return s.includes('.') ? s : s + '.0';
  }
  if (v instanceof GoTime) return formatTime(v, RFC3339NANO);
  if (Array.isArray(v)) {
    if (v.some((x) => x === null)) throw new Error('toml: cannot encode array with nil element');
    return '[' + v.map(element).join(', ') + ']';
  }
  if (v === null) throw new Error('toml: cannot encode a nil value');
  if (typeof (v as unknown as { String?: unknown }).String === 'function') return tomlString((v as unknown as { String(): string }).String());
  // An inline table (only inside arrays).
  const parts = entriesOf(v).filter(([, x]) => x !== null).sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([k, x]) => `${quoteKey(k)} = ${element(x)}`);
  return '{' + parts.join(', ') + '}';
}

/** toml.NewEncoder(b).Encode(v) */
export function encodeToml(v: Value): string {
  if (!isTable(v)) throw new Error('toml: top-level values must be Go maps or structs');
  let out = '';
  let written = false;
  const wf = (s: string) => { out += s; written = true; };
  const newline = () => { if (written) out += '\n'; };
  const indent = (key: string[]) => '  '.repeat(Math.max(key.length - 1, 0));
  const keyStr = (key: string[]) => key.map(quoteKey).join('.');
  const table = (key: string[], m: Value) => {
    const all = entriesOf(m).filter(([, x]) => x !== null).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const direct = all.filter(([, x]) => !isTable(x) && !isTableArray(x));
    const sub = all.filter(([, x]) => isTable(x) || isTableArray(x));
    for (const [k, x] of direct) {
      const kk = [...key, k];
      wf(`${indent(kk)}${quoteKey(k)} = ${element(x)}`);
      newline();
    }
    for (const [k, x] of sub) {
      const kk = [...key, k];
      if (isTableArray(x)) {
        for (const t of x as Value[]) {
          newline();
          wf(`${indent(kk)}[[${keyStr(kk)}]]`);
          newline();
          table(kk, t);
        }
      } else {
        if (kk.length === 1) newline();
        wf(`${indent(kk)}[${keyStr(kk)}]`);
        newline();
        table(kk, x);
      }
    }
  };
  table([], v);
  return out;
}

// ----- decoding -----------------------------------------------------------------------------------

export function decodeToml(src: string): GoMap {
  const root: GoMap = new Map();
  let cur = root;
  let i = 0;
  let line = 1;
  const fail = (msg: string): never => { throw new Error(`toml: line ${line}: ${msg}`); };
  const peek = () => src[i];
  const wsInline = () => { while (i < src.length && (src[i] === ' ' || src[i] === '\t')) i++; };
  const skipComment = () => { if (src[i] === '#') while (i < src.length && src[i] !== '\n') i++; };
  const wsAll = () => {
    for (;;) {
      wsInline();
      skipComment();
      if (src[i] === '\n') { i++; line++; continue; }
      if (src[i] === '\r' && src[i + 1] === '\n') { i += 2; line++; continue; }
      return;
    }
  };
  const endOfLine = () => {
    wsInline();
    skipComment();
    if (i >= src.length) return;
    if (src[i] === '\n') { i++; line++; return; }
    if (src[i] === '\r' && src[i + 1] === '\n') { i += 2; line++; return; }
    fail(`expected a top-level item to end with a newline, comment, or EOF, but got ${JSON.stringify(src[i])} instead`);
  };
  const basicString = (): string => {
    const multi = src.startsWith('"""', i);
    i += multi ? 3 : 1;
    if (multi && src[i] === '\n') { i++; line++; }
    let out = '';
    for (;;) {
      if (i >= src.length) fail('unexpected EOF in string');
      if (multi ? src.startsWith('"""', i) : src[i] === '"') {
        if (multi) {
          let q = 3;
          while (src[i + q] === '"' && q < 5) q++;
          out += '"'.repeat(q - 3);
          i += q;
        } else i++;
        return out;
      }
      const c = src[i]!;
      if (c === '\n') { if (!multi) fail('strings cannot contain newlines'); line++; }
      if (c === '\\') {
        const e = src[i + 1]!;
        const simple: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\', e: '\x1b' };
        if (e in simple) { out += simple[e]; i += 2; continue; }
        if (e === 'u' || e === 'U') {
          const n = e === 'u' ? 4 : 8;
          out += String.fromCodePoint(parseInt(src.slice(i + 2, i + 2 + n), 16));
          i += 2 + n;
          continue;
        }
        if (multi && /[ \t\r\n]/.test(e)) {
          i++;
          while (i < src.length && /[ \t\r\n]/.test(src[i]!)) { if (src[i] === '\n') line++; i++; }
          continue;
        }
        fail(`invalid escape in string '\\${e}'`);
      }
      out += c;
      i++;
    }
  };
  const literalString = (): string => {
    const multi = src.startsWith("'''", i);
    i += multi ? 3 : 1;
    if (multi && src[i] === '\n') { i++; line++; }
    const end = src.indexOf(multi ? "'''" : "'", i);
    if (end < 0) fail('unexpected EOF in string');
    let stop = end;
    if (multi) while (src[stop + 3] === "'" && stop - end < 2) stop++;
    const s = src.slice(i, stop);
    if (!multi && s.includes('\n')) fail('strings cannot contain newlines');
    line += (s.match(/\n/g) ?? []).length;
    i = stop + (multi ? 3 : 1);
    return s;
  };
  const key = (): string[] => {
    const parts: string[] = [];
    for (;;) {
      wsInline();
      const c = peek();
      if (c === '"') parts.push(basicString());
      else if (c === "'") parts.push(literalString());
      else {
        const m = /^[A-Za-z0-9_-]+/.exec(src.slice(i));
        if (!m) fail(`bare keys cannot contain ${JSON.stringify(c ?? '')}`);
        parts.push(m![0]);
        i += m![0].length;
      }
      wsInline();
      if (peek() === '.') { i++; continue; }
      return parts;
    }
  };
  const value = (): Value => {
    wsInline();
    const c = peek();
    if (c === undefined) fail('unexpected EOF');
    if (c === '"') return basicString();
    if (c === "'") return literalString();
    if (c === '[') {
      i++;
      const arr: Value[] = [];
      for (;;) {
        wsAll();
        if (peek() === ']') { i++; return arr; }
        arr.push(value());
        wsAll();
        if (peek() === ',') { i++; continue; }
        if (peek() === ']') { i++; return arr; }
        fail('expected a comma or array terminator');
      }
    }
    if (c === '{') {
      i++;
      const t: GoMap = new Map();
      wsInline();
      if (peek() === '}') { i++; return t; }
      for (;;) {
        const k = key();
        if (peek() !== '=') fail('expected "=" after key');
        i++;
        setPath(t, k, value());
        wsInline();
        if (peek() === ',') { i++; continue; }
        if (peek() === '}') { i++; return t; }
        fail('expected a comma or an inline table terminator');
      }
    }
    const m = /^[^\s,\]}#]+(?: \d\d:\d\d:\d\d[^\s,\]}#]*)?/.exec(src.slice(i));
    const tok = m ? m[0] : '';
    i += tok.length;
    if (tok === 'true') return true;
    if (tok === 'false') return false;
    if (/^[+-]?(inf|nan)$/.test(tok)) return new GoFloat(tok.endsWith('nan') ? NaN : tok.startsWith('-') ? -Infinity : Infinity);
    if (/^[+-]?(0|[1-9](_?\d)*)$/.test(tok) || /^0x[0-9a-fA-F](_?[0-9a-fA-F])*$/.test(tok) ||
      /^0o[0-7](_?[0-7])*$/.test(tok) || /^0b[01](_?[01])*$/.test(tok)) {
      // An int64 (bigint), as BurntSushi decodes integers into interface{}.
      const n = BigInt(tok.replace(/_/g, ''));
      if (n !== BigInt.asIntN(64, n)) fail(`${tok} is out of the range of int64`);
      return n;
    }
    if (/^[+-]?(0|[1-9](_?\d)*)(\.\d(_?\d)*)?([eE][+-]?\d(_?\d)*)?$/.test(tok)) return new GoFloat(Number(tok.replace(/_/g, '')));
    const dt = /^(\d{4}-\d\d-\d\d)(?:[Tt ](\d\d:\d\d:\d\d(?:\.\d+)?)(Z|z|[+-]\d\d:\d\d)?)?$/.exec(tok);
    if (dt) {
      const layout = dt[2] ? (dt[3] ? '2006-01-02T15:04:05.999999999Z07:00' : '2006-01-02T15:04:05.999999999') : '2006-01-02';
      const text = dt[2] ? `${dt[1]}T${dt[2]}${(dt[3] ?? '').toUpperCase()}` : dt[1]!;
      return parseTime(layout, text, UTC);
    }
    return fail(`invalid value ${JSON.stringify(tok)}`);
  };
  const setPath = (t: GoMap, k: string[], v: Value) => {
    let m = t;
    for (const part of k.slice(0, -1)) {
      let next = m.get(part);
      if (next === undefined) { next = new Map(); m.set(part, next); }
      if (!(next instanceof Map)) fail(`key ${JSON.stringify(part)} is not a table`);
      m = next as GoMap;
    }
    const last = k[k.length - 1]!;
    if (m.has(last)) fail(`Key '${k.join('.')}' has already been defined.`);
    m.set(last, v);
  };
  const tableAt = (k: string[], arrayItem: boolean): GoMap => {
    let m = root;
    k.forEach((part, idx) => {
      const lastPart = idx === k.length - 1;
      let next = m.get(part);
      if (lastPart && arrayItem) {
        if (next === undefined) { next = []; m.set(part, next); }
        if (!Array.isArray(next)) fail(`key ${JSON.stringify(part)} is not an array of tables`);
        const t: GoMap = new Map();
        (next as Value[]).push(t);
        m = t;
        return;
      }
      if (next === undefined) { next = new Map(); m.set(part, next); }
      if (Array.isArray(next)) next = next[next.length - 1]!;
      if (!(next instanceof Map)) fail(`key ${JSON.stringify(part)} is not a table`);
      m = next as GoMap;
    });
    return m;
  };
  for (;;) {
    wsAll();
    if (i >= src.length) break;
    if (src[i] === '[') {
      const arr = src[i + 1] === '[';
      i += arr ? 2 : 1;
      const k = key();
      if (!src.startsWith(arr ? ']]' : ']', i)) fail('expected table header terminator');
      i += arr ? 2 : 1;
      cur = tableAt(k, arr);
      endOfLine();
      continue;
    }
    const k = key();
    if (peek() !== '=') fail(`expected key separator '=', but got ${JSON.stringify(peek() ?? 'EOF')} instead`);
    i++;
    setPath(cur, k, value());
    endOfLine();
  }
  return root;
}
