/**
 * The parser of Go's text/template (parse/parse.go + node.go): one function per grammar rule,
 * building the node tree the evaluator walks. `parseTemplates` returns every tree a text
 * defines (the main one plus each `define`/`block`), with Go's rules for redefinition.
 */
import { ParseError } from './errors.js';
import { Item, ItemType, Lexer, itemString } from './lexer.js';

export { ParseError };

/** One parsed template: its name, the text it came from (for error positions) and its body. */
export interface Tree {
  name: string;
  /** The name of the top-level template being parsed, used in error locations. */
  readonly parseName: string;
  readonly text: string;
  root: ListNode;
}

interface Base { readonly pos: number; readonly tree: Tree }
export interface ListNode extends Base { readonly kind: 'list'; readonly nodes: Node[] }
export interface TextNode extends Base { readonly kind: 'text'; readonly text: string }
export interface CommentNode extends Base { readonly kind: 'comment'; readonly text: string }
export interface ActionNode extends Base { readonly kind: 'action'; readonly line: number; readonly pipe: PipeNode }
export interface BranchNode extends Base {
  readonly kind: 'if' | 'range' | 'with';
  readonly line: number;
  readonly pipe: PipeNode;
  readonly list: ListNode;
  readonly elseList: ListNode | null;
}
export interface TemplateNode extends Base {
  readonly kind: 'template'; readonly line: number; readonly name: string; readonly pipe: PipeNode | null;
}
export interface BreakNode extends Base { readonly kind: 'break' | 'continue'; readonly line: number }
export interface PipeNode extends Base {
  readonly kind: 'pipe';
  readonly line: number;
  isAssign: boolean;
  readonly decl: VariableNode[];
  readonly cmds: CommandNode[];
}
export interface CommandNode extends Base { readonly kind: 'command'; readonly args: Node[] }
export interface FieldNode extends Base { readonly kind: 'field'; readonly ident: string[] }
export interface VariableNode extends Base { readonly kind: 'variable'; readonly ident: string[] }
export interface ChainNode extends Base { readonly kind: 'chain'; readonly node: Node; readonly field: string[] }
export interface IdentifierNode extends Base { readonly kind: 'identifier'; readonly ident: string }
export interface DotNode extends Base { readonly kind: 'dot' }
export interface NilNode extends Base { readonly kind: 'nil' }
export interface BoolNode extends Base { readonly kind: 'bool'; readonly value: boolean }
export interface NumberNode extends Base {
  readonly kind: 'number';
  readonly text: string;
  readonly isInt: boolean;
  readonly isUint: boolean;
  readonly isFloat: boolean;
  readonly isComplex: boolean;
  readonly int: number;
  readonly float: number;
}
export interface StringNode extends Base { readonly kind: 'string'; readonly quoted: string; readonly text: string }
/** `{{end}}` and `{{else}}` exist only while parsing. */
interface EndNode extends Base { readonly kind: 'end' }
interface ElseNode extends Base { readonly kind: 'else'; readonly line: number }

export type Node =
  | ListNode | TextNode | CommentNode | ActionNode | BranchNode | TemplateNode | BreakNode | PipeNode
  | CommandNode | FieldNode | VariableNode | ChainNode | IdentifierNode | DotNode | NilNode | BoolNode
  | NumberNode | StringNode | EndNode | ElseNode;

/** The names text/template itself defines; a func map may override them. */
export const BUILTIN_NAMES: ReadonlySet<string> = new Set([
  'and', 'call', 'html', 'index', 'slice', 'js', 'len', 'not', 'or', 'print', 'printf', 'println',
  'urlquery', 'eq', 'ge', 'gt', 'le', 'lt', 'ne',
]);

/**
 * Parses a template text named `name`. Returns the trees it defines by name (the main tree under
 * `name`), or throws ParseError. `hasFunction` answers whether an identifier names a function.
 */
export function parseTemplates(name: string, text: string, hasFunction: (n: string) => boolean): Map<string, Tree> {
  const treeSet = new Map<string, Tree>();
  const lex = new Lexer(name, text);
  const p = new Parser({ name, parseName: name, text, root: emptyList(null) }, lex, treeSet, hasFunction);
  p.parse();
  p.add();
  return treeSet;
}

/** IsEmptyTree: only spaces and comments; such a tree does not replace a defined template. */
export function isEmptyTree(n: Node): boolean {
  switch (n.kind) {
    case 'list': return n.nodes.every(isEmptyTree);
    case 'text': return n.text.trim().length === 0;
    case 'comment': return true;
    default: return false;
  }
}

function emptyList(tree: Tree | null): ListNode {
  return { kind: 'list', pos: 0, tree: tree as Tree, nodes: [] };
}

class Parser {
  /** Up to three items of look-ahead, as Go's parser keeps. */
  private token: Item[] = [];
  private peekCount = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  private actionLine = 0;

  constructor(
    readonly tree: Tree,
    readonly lex: Lexer,
    readonly treeSet: Map<string, Tree>,
    readonly hasFunction: (n: string) => boolean,
  ) {}

  // --- token stream -------------------------------------------------------------------------

  next(): Item {
    if (this.peekCount > 0) this.peekCount--;
    else this.token[0] = this.lex.nextItem();
    return this.token[this.peekCount]!;
  }
  backup(): void { this.peekCount++; }
  backup2(t1: Item): void { this.token[1] = t1; this.peekCount = 2; }
  backup3(t2: Item, t1: Item): void { this.token[1] = t1; this.token[2] = t2; this.peekCount = 3; }
  peek(): Item {
    if (this.peekCount > 0) return this.token[this.peekCount - 1]!;
    this.peekCount = 1;
    this.token[0] = this.lex.nextItem();
    return this.token[0];
  }
  nextNonSpace(): Item {
    let t: Item;
    do t = this.next(); while (t.type === 'space');
    return t;
  }
  peekNonSpace(): Item {
    const t = this.nextNonSpace();
    this.backup();
    return t;
  }

  errorf(msg: string): never {
    throw new ParseError(`template: ${this.tree.parseName}:${this.token[0]?.line ?? 1}: ${msg}`);
  }

  expect(type: ItemType, context: string): Item {
    const t = this.nextNonSpace();
    if (t.type !== type) this.unexpected(t, context);
    return t;
  }

  expectOneOf(a: ItemType, b: ItemType, context: string): Item {
    const t = this.nextNonSpace();
    if (t.type !== a && t.type !== b) this.unexpected(t, context);
    return t;
  }

  unexpected(t: Item, context: string): never {
    if (t.type === 'error') {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== t.line) {
        extra = context.endsWith(' clause') ? ` starting at line ${this.actionLine}` : ` in ${context}`;
      }
      this.errorf(`${itemString(t)}${extra}`);
    }
    this.errorf(`unexpected ${itemString(t)} in ${context}`);
  }

  /** add: installs this tree in the set, unless an existing non-empty one would be replaced. */
  add(): void {
    const old = this.treeSet.get(this.tree.name);
    if (!old || isEmptyTree(old.root)) { this.treeSet.set(this.tree.name, this.tree); return; }
    if (!isEmptyTree(this.tree.root)) this.errorf(`template: multiple definition of template "${this.tree.name}"`);
  }

  /** A parser for a nested definition sharing this lexer and tree set. */
  private child(name: string): Parser {
    const t: Tree = { name, parseName: this.tree.parseName, text: this.tree.text, root: emptyList(null) };
    const c = new Parser(t, this.lex, this.treeSet, this.hasFunction);
    // Share the look-ahead: the child continues where we are.
    c.token = this.token;
    c.peekCount = this.peekCount;
    return c;
  }

  private resume(c: Parser): void {
    this.token = c.token;
    this.peekCount = c.peekCount;
  }

  // --- grammar ------------------------------------------------------------------------------

  /** template: (define | textOrAction)* EOF, where `{{define}}` adds a separate tree. */
  parse(): void {
    const root = this.newList(this.peek().pos);
    this.tree.root = root;
    while (this.peek().type !== 'eof') {
      if (this.peek().type === 'leftDelim') {
        const delim = this.next();
        if (this.nextNonSpace().type === 'define') {
          const c = this.child('definition');
          c.parseDefinition();
          this.resume(c);
          continue;
        }
        this.backup2(delim);
      }
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else') this.errorf(`unexpected ${nodeString(n)}`);
      root.nodes.push(n);
    }
  }

  /** definition: '{{define' string '}}' itemList '{{end}}' */
  parseDefinition(): void {
    const context = 'define clause';
    const name = this.expectOneOf('string', 'rawString', context);
    this.tree.name = this.unquote(name.val);
    this.expect('rightDelim', context);
    const [list, end] = this.itemList();
    this.tree.root = list;
    if (end.kind !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    this.add();
  }

  /** itemList: textOrAction* ending at {{end}} or {{else}} (returned separately). */
  itemList(): [ListNode, Node] {
    const list = this.newList(this.peekNonSpace().pos);
    while (this.peekNonSpace().type !== 'eof') {
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else') return [list, n];
      list.nodes.push(n);
    }
    this.errorf('unexpected EOF');
  }

  /** textOrAction: text | comment | '{{' action */
  textOrAction(): Node {
    const t = this.nextNonSpace();
    switch (t.type) {
      case 'text': return { kind: 'text', pos: t.pos, tree: this.tree, text: t.val };
      case 'leftDelim': {
        this.actionLine = t.line;
        try { return this.action(); } finally { this.actionLine = 0; }
      }
      case 'comment': return { kind: 'comment', pos: t.pos, tree: this.tree, text: t.val };
    }
    this.unexpected(t, 'input');
  }

  /** action: control | pipeline '}}'  (control keywords first, else a printed pipeline) */
  action(): Node {
    const t = this.nextNonSpace();
    switch (t.type) {
      case 'block': return this.blockControl();
      case 'break': return this.breakControl(t, 'break');
      case 'continue': return this.breakControl(t, 'continue');
      case 'else': return this.elseControl();
      case 'end': return this.endControl();
      case 'if': return this.branchControl('if');
      case 'range': return this.branchControl('range');
      case 'template': return this.templateControl();
      case 'with': return this.branchControl('with');
    }
    this.backup();
    const tok = this.peek();
    return { kind: 'action', pos: tok.pos, tree: this.tree, line: tok.line, pipe: this.pipeline('command', 'rightDelim') };
  }

  /** break / continue: '{{break}}' inside a range only. */
  breakControl(t: Item, kind: 'break' | 'continue'): Node {
    const tok = this.nextNonSpace();
    if (tok.type !== 'rightDelim') this.unexpected(tok, `{{${kind}}}`);
    if (this.rangeDepth === 0) this.errorf(`{{${kind}}} outside {{range}}`);
    return { kind, pos: t.pos, tree: this.tree, line: t.line };
  }

  /**
   * if/range/with: keyword pipeline '}}' itemList ('{{else}}' itemList | '{{else if|with …}}' …)? '{{end}}'
   * `else if` and `else with` parse as an else list holding one nested if/with.
   */
  branchControl(context: 'if' | 'range' | 'with'): BranchNode {
    const mark = this.vars.length;
    const pipe = this.pipeline(context, 'rightDelim');
    if (context === 'range') this.rangeDepth++;
    let [list, next] = this.itemList();
    if (context === 'range') this.rangeDepth--;
    let elseList: ListNode | null = null;
    if (next.kind === 'else') {
      if ((context === 'if' && this.peek().type === 'if') || (context === 'with' && this.peek().type === 'with')) {
        this.next();
        elseList = this.newList(next.pos);
        elseList.nodes.push(this.branchControl(context));
      } else {
        [elseList, next] = this.itemList();
        if (next.kind !== 'end') this.errorf(`expected end; found ${nodeString(next)}`);
      }
    }
    this.vars.length = mark;
    return { kind: context, pos: pipe.pos, tree: this.tree, line: pipe.line, pipe, list, elseList };
  }

  /** else: '{{else}}', or the `else` of `{{else if …}}` / `{{else with …}}`. */
  elseControl(): Node {
    const peek = this.peekNonSpace();
    if (peek.type === 'if' || peek.type === 'with') return { kind: 'else', pos: peek.pos, tree: this.tree, line: peek.line };
    const t = this.expect('rightDelim', 'else');
    return { kind: 'else', pos: t.pos, tree: this.tree, line: t.line };
  }

  /** end: '{{end}}' */
  endControl(): Node {
    return { kind: 'end', pos: this.expect('rightDelim', 'end').pos, tree: this.tree };
  }

  /** block: '{{block' string pipeline '}}' itemList '{{end}}', a define plus a template call. */
  blockControl(): Node {
    const context = 'block clause';
    const t = this.nextNonSpace();
    const name = this.parseTemplateName(t, context);
    const pipe = this.pipeline(context, 'rightDelim');
    const c = this.child(name);
    const [list, end] = c.itemList();
    c.tree.root = list;
    if (end.kind !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    c.add();
    this.resume(c);
    return { kind: 'template', pos: t.pos, tree: this.tree, line: t.line, name, pipe };
  }

  /** template: '{{template' string pipeline? '}}' */
  templateControl(): Node {
    const context = 'template clause';
    const t = this.nextNonSpace();
    const name = this.parseTemplateName(t, context);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().type !== 'rightDelim') {
      this.backup();
      pipe = this.pipeline(context, 'rightDelim');
    }
    return { kind: 'template', pos: t.pos, tree: this.tree, line: t.line, name, pipe };
  }

  parseTemplateName(t: Item, context: string): string {
    if (t.type === 'string' || t.type === 'rawString') return this.unquote(t.val);
    this.unexpected(t, context);
  }

  /** pipeline: declarations? command ('|' command)*  where declarations: $x (',' $y)? (':=' | '=') */
  pipeline(context: string, end: ItemType): PipeNode {
    const tok = this.peekNonSpace();
    const pipe: PipeNode = { kind: 'pipe', pos: tok.pos, tree: this.tree, line: tok.line, isAssign: false, decl: [], cmds: [] };
    decls: for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== 'variable') break;
      this.next();
      // Three-token look-ahead: in "$x foo", $x is an operand, not a declaration.
      const after = this.peek();
      const next = this.peekNonSpace();
      if (next.type === 'assign' || next.type === 'declare') {
        pipe.isAssign = next.type === 'assign';
        this.nextNonSpace();
        pipe.decl.push(this.newVariable(v.pos, v.val));
        this.vars.push(v.val);
      } else if (next.type === 'char' && next.val === ',') {
        this.nextNonSpace();
        pipe.decl.push(this.newVariable(v.pos, v.val));
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const pk = this.peekNonSpace().type;
          if (pk === 'variable' || pk === 'rightDelim' || pk === 'rightParen') continue decls;
          this.errorf('range can only initialize variables');
        }
        this.errorf(`too many declarations in ${context}`);
      } else if (after.type === 'space') {
        this.backup3(v, after);
      } else {
        this.backup2(v);
      }
      break;
    }
    for (;;) {
      const t = this.nextNonSpace();
      switch (t.type) {
        case end:
          this.checkPipeline(pipe, context);
          return pipe;
        case 'bool': case 'charConstant': case 'complex': case 'dot': case 'field': case 'identifier':
        case 'number': case 'nil': case 'rawString': case 'string': case 'variable': case 'leftParen':
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(t, context);
      }
    }
  }

  checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    for (let i = 1; i < pipe.cmds.length; i++) {
      const k = pipe.cmds[i]!.args[0]!.kind;
      if (k === 'bool' || k === 'dot' || k === 'nil' || k === 'number' || k === 'string') {
        this.errorf(`non executable command in pipeline stage ${i + 1}`);
      }
    }
  }

  /** command: operand (space operand)*, ended by '|', '}}' or ')'. */
  command(): CommandNode {
    const cmd: CommandNode = { kind: 'command', pos: this.peekNonSpace().pos, tree: this.tree, args: [] };
    for (;;) {
      this.peekNonSpace();
      const op = this.operand();
      if (op) cmd.args.push(op);
      const t = this.next();
      if (t.type === 'space') continue;
      if (t.type === 'rightDelim' || t.type === 'rightParen') this.backup();
      else if (t.type !== 'pipe') this.unexpected(t, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  /** operand: term ('.' Field)*  (fields after a term make a chain) */
  operand(): Node | null {
    let node = this.term();
    if (!node) return null;
    if (this.peek().type === 'field') {
      const pos = this.peek().pos;
      const fields: string[] = [];
      while (this.peek().type === 'field') fields.push(this.next().val.slice(1));
      switch (node.kind) {
        case 'field':
          node = { kind: 'field', pos, tree: this.tree, ident: [...node.ident, ...fields] };
          break;
        case 'variable':
          node = { kind: 'variable', pos, tree: this.tree, ident: [...node.ident, ...fields] };
          break;
        case 'bool': case 'string': case 'number': case 'nil': case 'dot':
          this.errorf(`unexpected . after term ${goQuoteSimple(nodeString(node))}`);
        // falls through (errorf never returns)
        default:
          node = { kind: 'chain', pos, tree: this.tree, node, field: fields };
      }
    }
    return node;
  }

  /** term: literal | function | '.' | nil | $var | .Field | '(' pipeline ')' */
  term(): Node | null {
    const t = this.nextNonSpace();
    switch (t.type) {
      case 'identifier':
        if (!this.hasFunction(t.val)) this.errorf(`function "${t.val}" not defined`);
        return { kind: 'identifier', pos: t.pos, tree: this.tree, ident: t.val };
      case 'dot': return { kind: 'dot', pos: t.pos, tree: this.tree };
      case 'nil': return { kind: 'nil', pos: t.pos, tree: this.tree };
      case 'variable': return this.useVar(t.pos, t.val);
      case 'field': return { kind: 'field', pos: t.pos, tree: this.tree, ident: t.val.slice(1).split('.') };
      case 'bool': return { kind: 'bool', pos: t.pos, tree: this.tree, value: t.val === 'true' };
      case 'charConstant': case 'complex': case 'number': return this.newNumber(t);
      case 'leftParen': return this.pipeline('parenthesized pipeline', 'rightParen');
      case 'string': case 'rawString':
        return { kind: 'string', pos: t.pos, tree: this.tree, quoted: t.val, text: this.unquote(t.val) };
    }
    this.backup();
    return null;
  }

  useVar(pos: number, name: string): VariableNode {
    const v = this.newVariable(pos, name);
    if (this.vars.includes(v.ident[0]!)) return v;
    this.errorf(`undefined variable "${v.ident[0]}"`);
  }

  newVariable(pos: number, name: string): VariableNode {
    return { kind: 'variable', pos, tree: this.tree, ident: name.split('.') };
  }

  newList(pos: number): ListNode {
    return { kind: 'list', pos, tree: this.tree, nodes: [] };
  }

  /** A number literal with Go's constant rules: which of int/uint/float it can be. */
  newNumber(t: Item): NumberNode {
    const text = t.val;
    const base = { kind: 'number' as const, pos: t.pos, tree: this.tree, text, isComplex: false };
    if (t.type === 'charConstant') {
      const r = unquoteChar(text);
      if (r === null) this.errorf('invalid syntax');
      return { ...base, isInt: true, isUint: r >= 0, isFloat: true, int: r, float: r };
    }
    if (t.type === 'complex' || text.endsWith('i')) {
      this.errorf(`complex numbers are not supported: ${text}`);
    }
    const i = parseGoInt(text);
    if (i !== null) {
      const inRange = i >= -(2n ** 63n) && i < 2n ** 63n;
      const uRange = i >= 0n && i < 2n ** 64n;
      if (inRange || uRange) {
        const n = Number(i);
        return { ...base, isInt: inRange, isUint: uRange, isFloat: true, int: n, float: n };
      }
    }
    const f = parseGoFloat(text);
    if (f !== null) {
      if (!/[.eEpP]/.test(text)) this.errorf(`integer overflow: ${goQuoteSimple(text)}`);
      const isInt = Number.isInteger(f) && Math.abs(f) < 2 ** 63;
      return { ...base, isInt, isUint: isInt && f >= 0, isFloat: true, int: isInt ? f : 0, float: f };
    }
    this.errorf(`illegal number syntax: ${goQuoteSimple(text)}`);
  }

  unquote(s: string): string {
    const r = unquoteString(s);
    if (r === null) this.errorf('invalid syntax');
    return r;
  }
}

// ---------------------------------------------------------------------------------------------
// Node.String(), as Go prints nodes in error contexts (`at <eq 1 1.0>`).

export function nodeString(n: Node): string {
  switch (n.kind) {
    case 'list': return n.nodes.map(nodeString).join('');
    case 'text': return n.text;
    case 'comment': return `{{${n.text}}}`;
    case 'action': return `{{${nodeString(n.pipe)}}}`;
    case 'if': case 'range': case 'with': {
      let s = `{{${n.kind} ${nodeString(n.pipe)}}}${nodeString(n.list)}`;
      if (n.elseList) s += `{{else}}${nodeString(n.elseList)}`;
      return s + '{{end}}';
    }
    case 'template':
      return n.pipe ? `{{template ${goQuoteSimple(n.name)} ${nodeString(n.pipe)}}}` : `{{template ${goQuoteSimple(n.name)}}}`;
    case 'break': return '{{break}}';
    case 'continue': return '{{continue}}';
    case 'pipe': {
      let s = '';
      if (n.decl.length) s = n.decl.map(nodeString).join(', ') + (n.isAssign ? ' = ' : ' := ');
      return s + n.cmds.map(nodeString).join(' | ');
    }
    case 'command':
      return n.args.map((a) => (a.kind === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'field': return n.ident.map((i) => '.' + i).join('');
    case 'variable': return n.ident.join('.');
    case 'chain': {
      const inner = n.node.kind === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node);
      return inner + n.field.map((f) => '.' + f).join('');
    }
    case 'identifier': return n.ident;
    case 'dot': return '.';
    case 'nil': return 'nil';
    case 'bool': return n.value ? 'true' : 'false';
    case 'number': return n.text;
    case 'string': return n.quoted;
    case 'end': return '{{end}}';
    case 'else': return '{{else}}';
  }
}

function goQuoteSimple(s: string): string {
  return '"' + s.replace(/[\\"]/g, (c) => '\\' + c).replace(/\n/g, '\\n').replace(/\t/g, '\\t') + '"';
}

// ---------------------------------------------------------------------------------------------
// Literals: strconv.ParseInt(s, 0, 64), ParseFloat, Unquote and UnquoteChar.

/** strconv.ParseInt with base 0 (prefixes 0x 0o 0b and leading-0 octal, underscores). */
export function parseGoInt(text: string): bigint | null {
  let s = text;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') { neg = s[0] === '-'; s = s.slice(1); }
  let base = 10;
  let prefixed = false;
  if (s.length > 1 && s[0] === '0') {
    const c = s[1]!.toLowerCase();
    if (c === 'x') { base = 16; s = s.slice(2); prefixed = true; }
    else if (c === 'o') { base = 8; s = s.slice(2); prefixed = true; }
    else if (c === 'b') { base = 2; s = s.slice(2); prefixed = true; }
    else { base = 8; s = s.slice(1); prefixed = true; }
  }
  if (s.includes('_')) {
    // Go: underscores only between digits, or right after a base prefix.
    if (s.endsWith('_') || s.includes('__') || (s.startsWith('_') && !prefixed)) return null;
    s = s.replace(/_/g, '');
  }
  if (s === '') return prefixed && base === 8 ? 0n : null;
  const digits = '0123456789abcdef'.slice(0, base);
  let v = 0n;
  const b = BigInt(base);
  for (const ch of s.toLowerCase()) {
    const d = digits.indexOf(ch);
    if (d < 0) return null;
    v = v * b + BigInt(d);
  }
  return neg ? -v : v;
}

/** strconv.ParseFloat for Go literal syntax (decimal or hex mantissa, underscores). */
export function parseGoFloat(text: string): number | null {
  let s = text;
  if (s.includes('_')) {
    if (/__|_$|^[+-]?_|_[.eEpP]|[.eEpP]_/.test(s)) return null;
    s = s.replace(/_/g, '');
  }
  const m = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(s);
  if (m) {
    const intPart = m[2] ?? '';
    const frac = m[3] ?? '';
    if (!intPart && !frac) return null;
    let v = parseInt(intPart || '0', 16);
    for (let i = 0; i < frac.length; i++) v += parseInt(frac[i]!, 16) / 16 ** (i + 1);
    v *= 2 ** Number(m[4]);
    return m[1] === '-' ? -v : v;
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return null;
  return Number(s);
}

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/** strconv.Unquote for "…" and `…` literals; null on invalid syntax. */
export function unquoteString(s: string): string | null {
  if (s.length < 2) return null;
  const q = s[0];
  if (q !== s[s.length - 1]) return null;
  const body = s.slice(1, -1);
  if (q === '`') return body.includes('`') ? null : body.replace(/\r/g, '');
  if (q !== '"') return null;
  if (!body.includes('\\')) return body.includes('"') || body.includes('\n') ? null : body;
  let out = '';
  let bytes: number[] = [];
  const flush = () => { if (bytes.length) { out += Buffer.from(bytes).toString('latin1'); bytes = []; } };
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch === '"' || ch === '\n') return null;
    if (ch !== '\\') { flush(); out += ch; continue; }
    const r = unescapeAt(body, i + 1, '"');
    if (!r) return null;
    if (r.byte !== undefined) bytes.push(r.byte);
    else { flush(); out += r.str; }
    i = r.end - 1;
  }
  flush();
  return out;
}

/** One escape after a backslash at s[i]: a string, or a raw byte (\x, octal). */
function unescapeAt(s: string, i: number, quote: string): { str?: string; byte?: number; end: number } | null {
  const c = s[i];
  if (c === undefined) return null;
  if (c in SIMPLE_ESCAPES) return { str: SIMPLE_ESCAPES[c]!, end: i + 1 };
  if (c === quote) return { str: c, end: i + 1 };
  if (c === 'x' || c === 'u' || c === 'U') {
    const n = c === 'x' ? 2 : c === 'u' ? 4 : 8;
    const hex = s.slice(i + 1, i + 1 + n);
    if (hex.length !== n || !/^[0-9a-fA-F]+$/.test(hex)) return null;
    const v = parseInt(hex, 16);
    if (c === 'x') return { byte: v, end: i + 1 + n };
    if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return null;
    return { str: String.fromCodePoint(v), end: i + 1 + n };
  }
  if (c >= '0' && c <= '7') {
    const oct = s.slice(i, i + 3);
    if (!/^[0-7]{3}$/.test(oct)) return null;
    const v = parseInt(oct, 8);
    if (v > 255) return null;
    return { byte: v, end: i + 3 };
  }
  return null;
}

/** The rune of a character constant like 'a' or '\n'; null if malformed. */
function unquoteChar(text: string): number | null {
  if (text.length < 3 || text[0] !== "'" || text[text.length - 1] !== "'") return null;
  const body = text.slice(1, -1);
  if (body[0] !== '\\') {
    const cp = body.codePointAt(0)!;
    return String.fromCodePoint(cp).length === body.length ? cp : null;
  }
  const r = unescapeAt(body, 1, "'");
  if (!r || r.end !== body.length) return null;
  return r.byte !== undefined ? r.byte : r.str!.codePointAt(0)!;
}
