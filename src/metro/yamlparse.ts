/**
 * YAML syntax into a small node tree (like yaml.v3's Node), with aliases already linked.
 *
 * A fast path parses the block-style YAML that job specs and hooks files are written in (block
 * mappings and sequences, plain and one-line quoted scalars, literal and folded blocks, one-line
 * flow collections, anchors, aliases, tags, comments). Anything else (multi-line plain or quoted
 * scalars, complex keys, directives, several documents, tabs in indentation, errors, ...) makes it
 * give up, and eemeli/yaml parses the text instead, so unusual input is handled by a complete
 * parser and every syntax error is reported by it. eemeli/yaml, used alone, was the largest part
 * of a cold `diagnose job` on a real-size spec; it is loaded (src/util/vendor.ts) only when the
 * fast parser gives up.
 */
import type { Alias, Document, Node as LibNode, Scalar as LibScalar, YAMLMap, YAMLSeq } from 'yaml';
import { yamlLib } from '../util/vendor.js';

export type Style = 'plain' | 'single' | 'double' | 'literal' | 'folded';
export interface YScalar { readonly k: 'scalar'; readonly value: string; readonly style: Style; readonly tag: string; readonly line: number }
export interface YMap { readonly k: 'map'; readonly pairs: Array<[YNode, YNode]>; readonly tag: string; readonly line: number }
export interface YSeq { readonly k: 'seq'; readonly items: YNode[]; readonly tag: string; readonly line: number }
export interface YAlias { readonly k: 'alias'; readonly name: string; target: YNode | undefined; readonly line: number }
export type YNode = YScalar | YMap | YSeq | YAlias;

/** A syntax error: `line` is 1-based when known. */
export class YamlSyntaxError extends Error {
  override name = 'YamlSyntaxError';
  constructor(readonly reason: string, readonly line?: number) { super(reason); }
}

/** The root node of the first document (null when there is none). */
export function parseNodes(text: string): YNode | null {
  try {
    return new FastParser(text).parse();
  } catch (e) {
    if (!(e instanceof Bail)) throw e;
  }
  return parseWithLibrary(text);
}

/** Only the fast parser, for tests: undefined when it gives up. */
export function parseFast(text: string): YNode | null | undefined {
  try { return new FastParser(text).parse(); } catch (e) { if (e instanceof Bail) return undefined; throw e; }
}

// ---------------- eemeli/yaml ----------------

const TAG_PREFIX = 'tag:yaml.org,2002:';
const shortTag = (tag: string | undefined): string => !tag ? '' : tag.startsWith(TAG_PREFIX) ? `!!${tag.slice(TAG_PREFIX.length)}` : tag;
const LIB_STYLES: Record<string, Style> = { PLAIN: 'plain', QUOTE_SINGLE: 'single', QUOTE_DOUBLE: 'double', BLOCK_LITERAL: 'literal', BLOCK_FOLDED: 'folded' };

export function parseWithLibrary(text: string): YNode | null {
  const { isAlias, isMap, isScalar, isSeq, parseAllDocuments } = yamlLib();
  const docs = parseAllDocuments(text, { schema: 'failsafe', uniqueKeys: true });
  const doc = (Array.isArray(docs) ? docs : [])[0];
  if (!doc) return null;
  const err = doc.errors[0];
  if (err) throw new YamlSyntaxError(err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''), err.linePos?.[0].line);
  const starts: number[] = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const lineAt = (off: number | undefined) => {
    if (off === undefined) return 0;
    let lo = 0, hi = starts.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (starts[mid]! <= off) lo = mid; else hi = mid - 1; }
    return lo + 1;
  };
  const made = new Map<LibNode, YNode>();
  const aliases: Array<[YAlias, Alias]> = [];
  const conv = (n: LibNode | null | undefined, at: number): YNode => {
    if (!n) return { k: 'scalar', value: '', style: 'plain', tag: '', line: at };
    const line = lineAt(n.range?.[0]) || at;
    if (isAlias(n)) {
      const a: YAlias = { k: 'alias', name: n.source, target: undefined, line };
      aliases.push([a, n]);
      return a;
    }
    const tag = shortTag(n.tag);
    if (isScalar(n)) {
      const s: YScalar = { k: 'scalar', value: String((n as LibScalar).value ?? ''), style: LIB_STYLES[(n as LibScalar).type ?? 'PLAIN'] ?? 'plain', tag, line };
      made.set(n, s);
      return s;
    }
    if (isMap(n)) {
      const m: YMap = { k: 'map', pairs: [], tag, line };
      made.set(n, m);
      for (const p of (n as YAMLMap).items) {
        const key = conv(p.key as LibNode, line);
        m.pairs.push([key, conv(p.value as LibNode, key.line)]);
      }
      return m;
    }
    if (isSeq(n)) {
      const q: YSeq = { k: 'seq', items: [], tag, line };
      made.set(n, q);
      for (const item of (n as YAMLSeq).items) q.items.push(conv(item as LibNode, line));
      return q;
    }
    return { k: 'scalar', value: '', style: 'plain', tag: '', line };
  };
  const root = conv(doc.contents as LibNode, 1);
  for (const [a, n] of aliases) {
    const target = n.resolve(doc as Document);
    a.target = target ? made.get(target as LibNode) : undefined;
  }
  return root;
}

// ---------------- the fast path ----------------

/** The fast parser gives up; the library parses instead. */
class Bail extends Error {}
const bail = (): never => { throw new Bail(); };

interface Line { indent: number; text: string; no: number }

const ESC: Record<string, string> = { '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029' };

class FastParser {
  private readonly lines: string[];
  private i = 0;
  /** A line whose start was consumed (after "- "): its rest, at its column. */
  private pending: Line | undefined;
  private readonly anchors = new Map<string, YNode>();
  /** The line peek() returned last (its `no` is its index + 1). */
  private peeked: Line | undefined;

  constructor(text: string) {
    if (text.includes('\r') || text.charCodeAt(0) === 0xfeff) bail();
    this.lines = text.split('\n');
  }

  parse(): YNode | null {
    for (let j = 0; j < this.lines.length; j++) {       // an explicit document start after comments
      const t = this.lines[j]!.trimEnd();
      if (t === '' || t.trimStart().startsWith('#')) continue;
      if (t === '---' || t.startsWith('--- #')) this.i = j + 1;
      break;
    }
    const first = this.peek();
    if (!first) return null;
    const root = this.block(first.indent - 1);
    if (this.peek()) bail();                       // more text: de-indented content, another document, ...
    return root;
  }

  /** The next line with content (comments and blank lines skipped), not consumed. */
  private peek(): Line | undefined {
    if (this.pending) return this.pending;
    // Each line is looked at several times (block, mapping, value): scan it once.
    if (this.peeked?.no === this.i + 1) return this.peeked;
    this.peeked = this.scan();
    return this.peeked;
  }

  private scan(): Line | undefined {
    for (; this.i < this.lines.length; this.i++) {
      const raw = this.lines[this.i]!;
      let n = 0;
      while (raw.charCodeAt(n) === 0x20) n++;
      if (n === raw.length) continue;
      const c = raw[n]!;
      if (c === '#') continue;
      if (c === '\t') { if (raw.trim() === '' ) continue; bail(); }
      const text = raw.slice(n).trimEnd();
      if (n === 0 && (text.startsWith('---') || text.startsWith('...') || c === '%')) bail();
      return { indent: n, text, no: this.i + 1 };
    }
    return undefined;
  }

  private take(): void {
    if (this.pending) this.pending = undefined;
    else this.i++;
  }

  /** A block node whose lines are indented more than `parent`. */
  private block(parent: number): YNode {
    const l = this.peek()!;
    if (l.indent <= parent) bail();
    if (l.text === '-' || l.text.startsWith('- ')) return this.sequence(l.indent);
    if (this.keyEnd(l.text) !== undefined) return this.mapping(l.indent);
    bail();
    throw new Bail();
  }

  /** Where a `key:` ends in a line (the index of its ':'), or undefined when the line is not a key. */
  private keyEnd(t: string): number | undefined {
    const c = t[0]!;
    if (c === '"' || c === '\'') {
      const end = c === '"' ? closingDouble(t, 1) : closingSingle(t, 1);
      if (end < 0) return undefined;
      let j = end + 1;
      while (t[j] === ' ') j++;
      return t[j] === ':' && (j + 1 === t.length || t[j + 1] === ' ') ? j : undefined;
    }
    if ('-?:,[]{}#&*!|>%@`'.includes(c) && !((c === '-' || c === '?' || c === ':') && t[1] !== undefined && t[1] !== ' ')) return undefined;
    for (let j = 0; j < t.length; j++) {
      const ch = t[j];
      if (ch === ':' && (j + 1 === t.length || t[j + 1] === ' ')) return j;
      if (ch === '#' && t[j - 1] === ' ') return undefined;
    }
    return undefined;
  }

  private mapping(indent: number): YMap {
    const first = this.peek()!;
    const m: YMap = { k: 'map', pairs: [], tag: '', line: first.no };
    const seen = new Set<string>();
    for (let l = this.peek(); l && l.indent === indent; l = this.peek()) {
      const end = this.keyEnd(l.text);
      if (end === undefined) throw new Bail();
      const raw = l.text.slice(0, end).trimEnd();
      const key: YScalar = raw[0] === '"' ? { k: 'scalar', value: unquoteDouble(raw), style: 'double', tag: '', line: l.no }
        : raw[0] === '\'' ? { k: 'scalar', value: unquoteSingle(raw), style: 'single', tag: '', line: l.no }
        : { k: 'scalar', value: raw, style: 'plain', tag: '', line: l.no };
      if (seen.has(key.value)) bail();             // duplicate keys: the library reports them
      seen.add(key.value);
      this.take();
      m.pairs.push([key, this.value(l.text.slice(end + 1).trimStart(), indent, l.no, true)]);
    }
    const next = this.peek();
    if (next && next.indent > indent) bail();
    return m;
  }

  private sequence(indent: number): YSeq {
    const first = this.peek()!;
    const q: YSeq = { k: 'seq', items: [], tag: '', line: first.no };
    for (let l = this.peek(); l && l.indent === indent && (l.text === '-' || l.text.startsWith('- ')); l = this.peek()) {
      this.take();
      let rest = l.text.slice(1);
      const pad = rest.length - rest.trimStart().length;
      rest = rest.trimStart();
      if (rest !== '' && rest[0] !== '#' && this.keyEnd(rest) !== undefined) {
        this.pending = { indent: indent + 1 + pad, text: rest, no: l.no };
        q.items.push(this.mapping(indent + 1 + pad));
      } else if (rest === '-' || rest.startsWith('- ')) bail();
      else q.items.push(this.value(rest, indent, l.no, false));
    }
    const next = this.peek();
    if (next && next.indent > indent) bail();
    return q;
  }

  /**
   * The value after `key:` or `- ` (`rest`, trimmed), in a collection at `indent`. Nested blocks
   * come from the following lines; a mapping's value may be a sequence at the mapping's indent.
   */
  private value(rest: string, indent: number, no: number, inMap: boolean): YNode {
    let tag = '', anchor: string | undefined;
    for (;;) {
      if (rest[0] === '&') {
        const m = /^&([^\s,[\]{}]+)(?: +|$)/.exec(rest);
        if (!m || anchor !== undefined) bail();
        anchor = m![1]; rest = rest.slice(m![0].length);
      } else if (rest[0] === '!') {
        const m = /^(!!?[A-Za-z0-9_-]*)(?: +|$)/.exec(rest);
        if (!m || tag) bail();
        tag = m![1]!; rest = rest.slice(m![0].length);
      } else break;
    }
    let node: YNode;
    if (rest === '' || rest[0] === '#') {
      const next = this.peek();
      if (next && next.indent > indent) node = this.block(indent);
      else if (next && inMap && next.indent === indent && (next.text === '-' || next.text.startsWith('- '))) node = this.sequence(indent);
      else node = { k: 'scalar', value: '', style: 'plain', tag: '', line: no };
    } else if (rest[0] === '*') {
      const m = /^\*([^\s,[\]{}]+)(?: +#.*)?$/.exec(rest);
      if (!m || tag || anchor !== undefined) bail();
      const target = this.anchors.get(m![1]!);
      if (!target) bail();
      node = { k: 'alias', name: m![1]!, target, line: no };
    } else if (rest[0] === '|' || rest[0] === '>') {
      node = this.blockScalar(rest, indent, no);
    } else {
      node = this.inline(rest, no);
      const next = this.peek();
      if (next && next.indent > indent) bail();    // a multi-line plain scalar, or an error
    }
    if (tag) {
      if (node.k === 'alias') bail();
      node = { ...node, tag } as YNode;
    }
    if (anchor !== undefined) this.anchors.set(anchor, node);
    return node;
  }

  /** A scalar or flow collection that fits on the rest of one line (then only a comment). */
  private inline(rest: string, no: number): YNode {
    const p = { s: rest, i: 0 };
    const node = flowNode(p, no, false);
    skipSpaces(p);
    if (p.i < p.s.length && !(p.s[p.i] === '#' && p.s[p.i - 1] === ' ')) bail();
    return node;
  }

  /** `|` / `>` with an optional chomping indicator; the content lines follow. */
  private blockScalar(header: string, parent: number, no: number): YScalar {
    const m = /^([|>])([-+]?)(?: +#.*)?$/.exec(header);
    if (!m) bail();
    const [, kind, chomp] = m!;
    if (this.pending) bail();
    // Content: the following lines down to the first non-blank line indented <= parent.
    let start = this.i;
    const content: string[] = [];
    let indent = -1;
    let j = start;
    for (; j < this.lines.length; j++) {
      const raw = this.lines[j]!;
      const blank = raw.trim() === '';
      let n = 0;
      while (raw.charCodeAt(n) === 0x20) n++;
      if (blank) {
        if (indent >= 0 ? false : n > 0 && raw.length > 0 && raw.includes('\t')) bail();
        content.push(raw);
        continue;
      }
      if (indent < 0) {
        if (n <= parent) break;
        if (raw[n] === '\t') bail();
        indent = n;
      } else if (n < indent) break;
      content.push(raw);
    }
    if (indent < 0) bail();                        // no content lines: leave the odd cases to the library
    // Blank lines after the last content line belong to the scalar (chomping) but may precede the next node.
    let last = content.length - 1;
    while (last >= 0 && content[last]!.trim() === '') last--;
    const trailing = content.length - 1 - last;
    for (const l of content.slice(0, last + 1)) if (l.trim() === '' && l.length > indent) bail();  // spaces beyond the indent on a blank line
    const body = content.slice(0, last + 1).map((l) => l.trim() === '' ? '' : l.slice(indent));
    if (body[0] === '' || body.some((l) => l.includes('\t'))) bail();
    this.i = start + last + 1;
    start = 0;
    let text: string;
    if (kind === '|') text = body.join('\n');
    else {
      text = '';
      let prev: 'text' | 'more' | undefined;
      let empty = 0;
      for (const l of body) {
        if (l === '') { empty++; continue; }
        const more = l[0] === ' ';
        if (prev === undefined) text = l;
        else if (prev === 'text' && !more) text += empty ? '\n'.repeat(empty) + l : ` ${l}`;
        else text += `\n${'\n'.repeat(empty)}${l}`;
        prev = more ? 'more' : 'text';
        empty = 0;
      }
    }
    if (chomp === '') text += '\n';
    else if (chomp === '+') text += '\n' + '\n'.repeat(trailing);
    return { k: 'scalar', value: text, style: kind === '|' ? 'literal' : 'folded', tag: '', line: no };
  }
}

interface Cursor { s: string; i: number }

const skipSpaces = (p: Cursor) => { while (p.s[p.i] === ' ') p.i++; };

/** Index of the closing `"` at or after `from`, honouring escapes; -1 when not on this line. */
function closingDouble(s: string, from: number): number {
  for (let j = from; j < s.length; j++) {
    if (s[j] === '\\') j++;
    else if (s[j] === '"') return j;
  }
  return -1;
}

function closingSingle(s: string, from: number): number {
  for (let j = from; j < s.length; j++) {
    if (s[j] === '\'') { if (s[j + 1] === '\'') j++; else return j; }
  }
  return -1;
}

function unquoteSingle(q: string): string {
  return q.slice(1, -1).replaceAll('\'\'', '\'');
}

function unquoteDouble(q: string): string {
  const s = q.slice(1, -1);
  if (!s.includes('\\')) return s;
  let out = '';
  for (let j = 0; j < s.length; j++) {
    const c = s[j]!;
    if (c !== '\\') { out += c; continue; }
    const e = s[++j]!;
    if (e in ESC) { out += ESC[e]; continue; }
    const len = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    const hex = s.slice(j + 1, j + 1 + len);
    if (!len || !/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) bail();
    out += String.fromCodePoint(parseInt(hex, 16));
    j += len;
  }
  return out;
}

/** One flow node at the cursor: a quoted scalar, a flow collection, or a plain scalar. */
function flowNode(p: Cursor, no: number, inFlow: boolean): YNode {
  skipSpaces(p);
  const c = p.s[p.i];
  if (c === '"' || c === '\'') {
    const end = c === '"' ? closingDouble(p.s, p.i + 1) : closingSingle(p.s, p.i + 1);
    if (end < 0) bail();
    const raw = p.s.slice(p.i, end + 1);
    p.i = end + 1;
    return { k: 'scalar', value: c === '"' ? unquoteDouble(raw) : unquoteSingle(raw), style: c === '"' ? 'double' : 'single', tag: '', line: no };
  }
  if (c === '[') {
    p.i++;
    const q: YSeq = { k: 'seq', items: [], tag: '', line: no };
    skipSpaces(p);
    if (p.s[p.i] === ']') { p.i++; return q; }
    for (;;) {
      const item = flowNode(p, no, true);
      skipSpaces(p);
      if (p.s[p.i] === ':') bail();                // a single-pair mapping inside a sequence
      q.items.push(item);
      if (p.s[p.i] === ',') { p.i++; skipSpaces(p); if (p.s[p.i] === ']') { p.i++; return q; } continue; }
      if (p.s[p.i] === ']') { p.i++; return q; }
      bail();
    }
  }
  if (c === '{') {
    p.i++;
    const m: YMap = { k: 'map', pairs: [], tag: '', line: no };
    const seen = new Set<string>();
    skipSpaces(p);
    if (p.s[p.i] === '}') { p.i++; return m; }
    for (;;) {
      const key = flowNode(p, no, true);
      if (key.k !== 'scalar' || seen.has(key.value)) bail();
      seen.add((key as YScalar).value);
      skipSpaces(p);
      let value: YNode = { k: 'scalar', value: '', style: 'plain', tag: '', line: no };
      if (p.s[p.i] === ':') { p.i++; if (p.s[p.i] !== ' ' && (key as YScalar).style === 'plain') bail(); value = flowNode(p, no, true); skipSpaces(p); }
      m.pairs.push([key, value]);
      if (p.s[p.i] === ',') { p.i++; skipSpaces(p); if (p.s[p.i] === '}') { p.i++; return m; } continue; }
      if (p.s[p.i] === '}') { p.i++; return m; }
      bail();
    }
  }
  // A plain scalar: it may not start with an indicator (except "-?:" before a non-space).
  if (c === undefined || ('-?:,[]{}#&*!|>\'"%@`'.includes(c) && !((c === '-' || c === '?' || c === ':') && p.s[p.i + 1] !== undefined && p.s[p.i + 1] !== ' ' && !(inFlow && ',[]{}'.includes(p.s[p.i + 1]!))))) {
    if (inFlow && (c === ',' || c === ']' || c === '}')) return { k: 'scalar', value: '', style: 'plain', tag: '', line: no };
    bail();
  }
  const start = p.i;
  for (; p.i < p.s.length; p.i++) {
    const ch = p.s[p.i]!;
    if (ch === ':' && (p.i + 1 === p.s.length || p.s[p.i + 1] === ' ' || (inFlow && ',[]{}'.includes(p.s[p.i + 1]!)))) {
      if (!inFlow) bail();                         // "a: b" as a value: the library reports it
      break;
    }
    if (ch === '#' && p.s[p.i - 1] === ' ') break;
    if (inFlow && ',[]{}'.includes(ch)) break;
  }
  return { k: 'scalar', value: p.s.slice(start, p.i).trimEnd(), style: 'plain', tag: '', line: no };
}
