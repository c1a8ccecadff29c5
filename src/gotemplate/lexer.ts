/**
 * The lexer of Go's text/template (lex.go): state functions that each scan a little and return
 * the next state. `nextItem()` runs states until one item is emitted. Scanning uses indexOf and
 * char codes, never a regex per character. Positions are UTF-16 offsets into the input; errors
 * convert them to Go's byte columns.
 */

export type ItemType =
  | 'error' | 'bool' | 'char' | 'charConstant' | 'comment' | 'complex' | 'assign' | 'declare'
  | 'eof' | 'field' | 'identifier' | 'leftDelim' | 'leftParen' | 'number' | 'pipe' | 'rawString'
  | 'rightDelim' | 'rightParen' | 'space' | 'string' | 'text' | 'variable'
  // Keywords (Go's item types above itemKeyword).
  | 'block' | 'break' | 'continue' | 'dot' | 'define' | 'else' | 'end' | 'if' | 'nil' | 'range'
  | 'template' | 'with';

export interface Item {
  readonly type: ItemType;
  readonly pos: number;
  readonly val: string;
  readonly line: number;
}

const KEYWORDS: ReadonlyMap<string, ItemType> = new Map<string, ItemType>([
  ['.', 'dot'], ['block', 'block'], ['break', 'break'], ['continue', 'continue'], ['define', 'define'],
  ['else', 'else'], ['end', 'end'], ['if', 'if'], ['range', 'range'], ['nil', 'nil'],
  ['template', 'template'], ['with', 'with'],
]);

/** Whether an item type is a keyword (Go prints those as `<val>` in errors). */
export function isKeyword(t: ItemType): boolean {
  return t === 'block' || t === 'break' || t === 'continue' || t === 'dot' || t === 'define' ||
    t === 'else' || t === 'end' || t === 'if' || t === 'nil' || t === 'range' || t === 'template' || t === 'with';
}

/** item.String() as Go's parser prints tokens in "unexpected X" errors. */
export function itemString(i: Item): string {
  if (i.type === 'eof') return 'EOF';
  if (i.type === 'error') return i.val;
  if (isKeyword(i.type)) return `<${i.val}>`;
  if ([...i.val].length > 10) return goQuote([...i.val].slice(0, 10).join('')) + '...';
  return goQuote(i.val);
}

type StateFn = ((l: Lexer) => StateFn) | null;

const EOF = -1;

export class Lexer {
  pos = 0;
  start = 0;
  line = 1;
  startLine = 1;
  parenDepth = 0;
  insideAction = false;
  done = false;
  item!: Item;

  constructor(
    readonly name: string,
    readonly input: string,
    readonly left = '{{',
    readonly right = '}}',
  ) {}

  /** The next item; after EOF or an error it keeps returning EOF. */
  nextItem(): Item {
    if (this.done) return { type: 'eof', pos: this.pos, val: '', line: this.line };
    this.item = { type: 'eof', pos: this.pos, val: '', line: this.line };
    for (let s: StateFn = this.insideAction ? lexInsideAction : lexText; s; s = s(this));
    if (this.item.type === 'eof' || this.item.type === 'error') this.done = true;
    return this.item;
  }

  /** The next char code (or EOF), counting lines. */
  next(): number {
    if (this.pos >= this.input.length) {
      this.pos = this.input.length + 1; // so that backup() after EOF is harmless
      return EOF;
    }
    const c = this.input.charCodeAt(this.pos++);
    if (c === 10) this.line++;
    return c;
  }

  peek(): number {
    return this.pos < this.input.length ? this.input.charCodeAt(this.pos) : EOF;
  }

  backup(): void {
    if (this.pos > this.input.length) { this.pos = this.input.length; return; }
    this.pos--;
    if (this.input.charCodeAt(this.pos) === 10) this.line--;
  }

  /** Stores one item and stops the state machine: nextItem() returns it. */
  emit(type: ItemType): StateFn {
    this.item = { type, pos: this.start, val: this.input.slice(this.start, this.pos), line: this.startLine };
    this.start = this.pos;
    this.startLine = this.line;
    return null;
  }

  /** Skips the pending input; callers have counted its newlines already. */
  ignore(): void {
    this.start = this.pos;
    this.startLine = this.line;
  }

  errorf(msg: string): StateFn {
    this.item = { type: 'error', pos: this.start, val: msg, line: this.startLine };
    this.done = true;
    return null;
  }

  accept(valid: string): boolean {
    const c = this.next();
    if (c !== EOF && valid.includes(String.fromCharCode(c))) return true;
    this.backup();
    return false;
  }

  acceptRun(valid: string): void {
    for (;;) {
      const c = this.next();
      if (c === EOF || !valid.includes(String.fromCharCode(c))) break;
    }
    this.backup();
  }

  /** atRightDelim: is the input at a right delimiter, and is it preceded by a trim marker? */
  atRightDelim(): { delim: boolean; trim: boolean } {
    const inp = this.input;
    if (hasRightTrimMarker(inp, this.pos) && inp.startsWith(this.right, this.pos + 2)) return { delim: true, trim: true };
    if (inp.startsWith(this.right, this.pos)) return { delim: true, trim: false };
    return { delim: false, trim: false };
  }

  /** atTerminator: can the word before end here (space, punctuation, closing delimiter)? */
  atTerminator(): boolean {
    const c = this.peek();
    if (isSpace(c)) return true;
    switch (c) {
      case EOF: case 46 /* . */: case 44 /* , */: case 124 /* | */: case 58 /* : */: case 41 /* ) */: case 40 /* ( */:
        return true;
    }
    return this.right.charCodeAt(0) === c;
  }
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf('\n', from); i >= 0 && i < to; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

function isAlphaNumeric(c: number): boolean {
  if (c === 95) return true; // _
  if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return true;
  if (c < 128) return false;
  const ch = String.fromCharCode(c);
  return /[\p{L}\p{Nd}]/u.test(ch) || (c >= 0xd800 && c <= 0xdfff);
}

// A trim marker is "- " after a left delimiter and " -" before a right one (any space char).
function hasLeftTrimMarker(s: string, at: number): boolean {
  return s.charCodeAt(at) === 45 && isSpace(s.charCodeAt(at + 1));
}

function hasRightTrimMarker(s: string, at: number): boolean {
  return isSpace(s.charCodeAt(at)) && s.charCodeAt(at + 1) === 45;
}

/** Length of the trailing spaces of s[from, to). */
function rightTrimLength(s: string, from: number, to: number): number {
  let i = to;
  while (i > from && isSpace(s.charCodeAt(i - 1))) i--;
  return to - i;
}

function leftTrimLength(s: string, from: number): number {
  let i = from;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i - from;
}

/** lexText: text up to the next left delimiter, trimmed before a `{{- `. */
function lexText(l: Lexer): StateFn {
  const inp = l.input;
  const at = inp.indexOf(l.left, l.pos);
  if (at < 0) {
    l.line += countNewlines(inp, l.pos, inp.length);
    l.pos = inp.length;
    if (l.pos > l.start) return l.emit('text');
    return l.emit('eof');
  }
  if (at > l.pos) {
    let trim = 0;
    if (hasLeftTrimMarker(inp, at + l.left.length)) trim = rightTrimLength(inp, l.start, at);
    const textEnd = at - trim;
    l.line += countNewlines(inp, l.pos, at);
    const lineAtText = l.startLine;
    const val = inp.slice(l.start, textEnd);
    const start = l.start;
    l.pos = at;
    l.start = at;
    l.startLine = l.line;
    if (val.length > 0) {
      l.item = { type: 'text', pos: start, val, line: lineAtText };
      return null;
    }
  }
  return lexLeftDelim;
}

/** lexLeftDelim: `{{` or `{{- `; a comment follows directly after the (trimmed) delimiter. */
function lexLeftDelim(l: Lexer): StateFn {
  l.pos += l.left.length;
  const trim = hasLeftTrimMarker(l.input, l.pos);
  const after = trim ? 2 : 0;
  if (l.input.startsWith('/*', l.pos + after)) {
    if (trim && l.input.charCodeAt(l.pos + 1) === 10) l.line++;
    l.pos += after;
    l.ignore();
    return lexComment;
  }
  const s = l.emit('leftDelim');
  if (trim && l.input.charCodeAt(l.pos + 1) === 10) l.line++;
  l.pos += after;
  l.ignore();
  l.insideAction = true;
  l.parenDepth = 0;
  return s;
}

/** lexComment: `/* … *\/` up to a right delimiter; comments are dropped (Go's default mode). */
function lexComment(l: Lexer): StateFn {
  l.pos += 2;
  const x = l.input.indexOf('*/', l.pos);
  if (x < 0) return l.errorf('unclosed comment');
  l.line += countNewlines(l.input, l.pos, x + 2);
  l.pos = x + 2;
  const { delim, trim } = l.atRightDelim();
  if (!delim) return l.errorf('comment ends before closing delimiter');
  if (trim) {
    if (l.input.charCodeAt(l.pos) === 10) l.line++;
    l.pos += 2;
  }
  l.pos += l.right.length;
  if (trim) {
    const n = leftTrimLength(l.input, l.pos);
    l.line += countNewlines(l.input, l.pos, l.pos + n);
    l.pos += n;
  }
  l.start = l.pos;
  l.startLine = l.line;
  return lexText;
}

/** lexRightDelim: `}}` or ` -}}`, trimming the spaces after the latter. */
function lexRightDelim(l: Lexer): StateFn {
  const { trim } = l.atRightDelim();
  if (trim) {
    if (l.input.charCodeAt(l.pos) === 10) l.line++;
    l.pos += 2;
    l.ignore();
  }
  l.pos += l.right.length;
  const s = l.emit('rightDelim');
  if (trim) {
    const n = leftTrimLength(l.input, l.pos);
    l.line += countNewlines(l.input, l.pos, l.pos + n);
    l.pos += n;
    l.start = l.pos;
    l.startLine = l.line;
  }
  l.insideAction = false;
  return s;
}

/** lexInsideAction: one token of an action. */
function lexInsideAction(l: Lexer): StateFn {
  const { delim } = l.atRightDelim();
  if (delim) {
    if (l.parenDepth === 0) return lexRightDelim;
    return l.errorf('unclosed left paren');
  }
  const c = l.next();
  if (c === EOF) return l.errorf('unclosed action');
  if (isSpace(c)) {
    l.backup();
    return lexSpace;
  }
  switch (c) {
    case 61: return l.emit('assign'); // =
    case 58: // :
      if (l.next() !== 61) return l.errorf('expected :=');
      return l.emit('declare');
    case 124: return l.emit('pipe');
    case 34: return lexQuote;
    case 96: return lexRawQuote;
    case 36: return lexVariable; // $
    case 39: return lexChar; // '
    case 40: // (
      l.parenDepth++;
      return l.emit('leftParen');
    case 41: // )
      l.parenDepth--;
      if (l.parenDepth < 0) return l.errorf('unexpected right paren');
      return l.emit('rightParen');
    case 46: { // .
      const p = l.peek();
      if (p === EOF || p < 48 || p > 57) return lexField;
      l.backup();
      return lexNumber;
    }
  }
  if (c === 43 || c === 45 || (c >= 48 && c <= 57)) {
    l.backup();
    return lexNumber;
  }
  if (isAlphaNumeric(c)) {
    l.backup();
    return lexIdentifier;
  }
  if (c < 128 && c >= 32 && c !== 127) return l.emit('char');
  return l.errorf(`unrecognized character in action: ${goRuneHash(l.input.codePointAt(l.pos - 1)!)}`);
}

/** lexSpace: a run of spaces; a space before ` -}}` belongs to the delimiter. */
function lexSpace(l: Lexer): StateFn {
  let n = 0;
  while (isSpace(l.peek())) { l.next(); n++; }
  if (hasRightTrimMarker(l.input, l.pos - 1) && l.input.startsWith(l.right, l.pos + 1)) {
    l.backup();
    if (n === 1) return lexInsideAction;
  }
  return l.emit('space');
}

/** lexIdentifier: an alphanumeric word: keyword, bool or function name. */
function lexIdentifier(l: Lexer): StateFn {
  let c: number;
  do c = l.next(); while (isAlphaNumeric(c));
  l.backup();
  const word = l.input.slice(l.start, l.pos);
  if (!l.atTerminator()) return l.errorf(`bad character ${goRuneHash(l.input.codePointAt(l.pos) ?? 0)}`);
  const kw = KEYWORDS.get(word);
  if (kw && kw !== 'dot') return l.emit(kw);
  if (word === 'true' || word === 'false') return l.emit('bool');
  return l.emit('identifier');
}

function lexField(l: Lexer): StateFn {
  return lexFieldOrVariable(l, 'field');
}

function lexVariable(l: Lexer): StateFn {
  if (l.atTerminator()) return l.emit('variable'); // "$"
  return lexFieldOrVariable(l, 'variable');
}

/** `.Field` or `$var`: alphanumerics up to a terminator. */
function lexFieldOrVariable(l: Lexer, type: 'field' | 'variable'): StateFn {
  if (l.atTerminator()) return l.emit(type === 'variable' ? 'variable' : 'dot');
  let c: number;
  do c = l.next(); while (isAlphaNumeric(c));
  l.backup();
  if (!l.atTerminator()) return l.errorf(`bad character ${goRuneHash(l.input.codePointAt(l.pos) ?? 0)}`);
  return l.emit(type);
}

function lexChar(l: Lexer): StateFn {
  for (;;) {
    let c = l.next();
    if (c === 92) { // backslash
      c = l.next();
      if (c !== EOF && c !== 10) continue;
    }
    if (c === EOF || c === 10) return l.errorf('unterminated character constant');
    if (c === 39) break;
  }
  return l.emit('charConstant');
}

function lexNumber(l: Lexer): StateFn {
  if (!scanNumber(l)) return l.errorf(`bad number syntax: ${goQuote(l.input.slice(l.start, l.pos))}`);
  const sign = l.peek();
  if (sign === 43 || sign === 45) {
    if (!scanNumber(l) || l.input.charCodeAt(l.pos - 1) !== 105) {
      return l.errorf(`bad number syntax: ${goQuote(l.input.slice(l.start, l.pos))}`);
    }
    return l.emit('complex');
  }
  return l.emit('number');
}

function scanNumber(l: Lexer): boolean {
  l.accept('+-');
  let digits = '0123456789_';
  if (l.accept('0')) {
    if (l.accept('xX')) digits = '0123456789abcdefABCDEF_';
    else if (l.accept('oO')) digits = '01234567_';
    else if (l.accept('bB')) digits = '01_';
  }
  l.acceptRun(digits);
  if (l.accept('.')) l.acceptRun(digits);
  if (digits.length === 11 && l.accept('eE')) {
    l.accept('+-');
    l.acceptRun('0123456789_');
  }
  if (digits.length === 23 && l.accept('pP')) {
    l.accept('+-');
    l.acceptRun('0123456789_');
  }
  l.accept('i');
  if (isAlphaNumeric(l.peek())) {
    l.next();
    return false;
  }
  return true;
}

function lexQuote(l: Lexer): StateFn {
  for (;;) {
    let c = l.next();
    if (c === 92) {
      c = l.next();
      if (c !== EOF && c !== 10) continue;
    }
    if (c === EOF || c === 10) return l.errorf('unterminated quoted string');
    if (c === 34) break;
  }
  return l.emit('string');
}

function lexRawQuote(l: Lexer): StateFn {
  const x = l.input.indexOf('`', l.pos);
  if (x < 0) return l.errorf('unterminated raw quoted string');
  l.line += countNewlines(l.input, l.pos, x);
  l.pos = x + 1;
  return l.emit('rawString');
}

/** %#U of a rune: `U+002D '-'`. */
export function goRuneHash(c: number): string {
  const hex = c.toString(16).toUpperCase().padStart(4, '0');
  const printable = c >= 32 && c !== 127 && !(c >= 0x80 && c < 0xa0);
  return printable ? `U+${hex} '${String.fromCodePoint(c)}'` : `U+${hex}`;
}

/** strconv.Quote for the short strings in lexer/parser messages. */
function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 32 || c === 127) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}
