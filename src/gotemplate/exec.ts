/**
 * The evaluator of Go's text/template (exec.go): one `walk` switch over the parse tree with a
 * variable stack (`mark`/`pop`), Go's argument conversion for function calls (untyped constants
 * take the parameter's type; values must be assignable) and Go's exact error texts and positions.
 *
 * Go's reflection distinguishes a nil interface (a map value or function result that is nil) from
 * an invalid reflect.Value ("no value": a missing pipeline result, `template` without data). The
 * first is `null` here, the second `NO_VALUE`: they print, convert and fail differently.
 */
import { builtinFuncs, type Builtin } from './builtins.js';
import { ExecError, errorContext, isStackOverflow } from './errors.js';
import { formatV } from './format.js';
import {
  nodeString, parseGoInt, type BranchNode, type ChainNode, type FieldNode, type IdentifierNode, type Node, type NumberNode,
  type PipeNode, type TemplateNode, type Tree, type VariableNode,
} from './parse.js';
import { NO_VALUE, isTrue, type RValue } from './rvalue.js';
import { GoFloat, GoStruct, GoTime, goTypeName, typedSlice, type FuncMap, type GoFunc, type GoType, type Value } from './value.js';

export { ExecError, NO_VALUE, isStackOverflow, type RValue };

/** The templates one execution can reach by name (Go's `common.tmpl`) and its functions. */
export interface TemplateSet {
  readonly trees: ReadonlyMap<string, Tree>;
  readonly funcs: FuncMap;
  /** Functions that win over `funcs` (Helm's include/tpl/required/fail, bound to this set). */
  readonly overrides?: FuncMap;
}

/**
 * Executes the template `name` of the set on `data` (Go's ExecuteTemplate on the template named
 * `rootName`); returns the output or throws ExecError.
 */
export function executeTemplate(set: TemplateSet, name: string, data: RValue, rootName = name): string {
  const tree = set.trees.get(name);
  if (!tree) throw new ExecError(`template: no template "${name}" associated with template "${rootName}"`);
  const s = new State(set, tree.name, data);
  s.walk(data, tree.root);
  return s.out;
}

// walk's result: how a {{break}} or {{continue}} unwinds to its range.
const NORMAL = 0;
const BREAK = 1;
const CONTINUE = 2;
type Flow = typeof NORMAL | typeof BREAK | typeof CONTINUE;

/** "No final argument": the command is the first of its pipeline. */
const NO_FINAL: unique symbol = Symbol('missing');
type Final = RValue | typeof NO_FINAL;

/**
 * A parameter type as evalArg sees it: a GoFunc's types, `value` (a builtin's reflect.Value,
 * which passes NO_VALUE through) or `null` (untyped: the receiver of a chain).
 */
type ParamType = GoType | 'value' | null;

/** A variable; `slot` marks a range element still inside its interface{} slot (for error texts). */
interface Variable { name: string; value: RValue; slot?: boolean }

const MAX_DEPTH = 100000;

class State {
  out = '';
  node: Node | null = null;
  vars: Variable[];
  depth = 0;
  /** Whether the value evalField just returned sits in an interface slot (a map value). */
  private slot = false;
  /** Whether dot is a range element in its interface{} slot (Go names its type `interface {}`). */
  private dotSlot = false;

  constructor(readonly set: TemplateSet, public tmplName: string, data: RValue) {
    this.vars = [{ name: '$', value: data }];
  }

  // --- variables ----------------------------------------------------------------------------

  mark(): number { return this.vars.length; }
  pop(mark: number): void { this.vars.length = mark; }
  push(name: string, value: RValue): void { this.vars.push({ name, value }); }

  setVar(name: string, value: RValue): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) { this.vars[i] = { name, value }; return; }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  setTopVar(n: number, value: RValue, slot = false): void {
    const v = this.vars[this.vars.length - n]!;
    v.value = value;
    v.slot = slot;
  }

  varSlot(name: string): boolean {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) return this.vars[i]!.slot === true;
    }
    return false;
  }

  varValue(name: string): RValue {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) return this.vars[i]!.value;
    }
    this.errorf(`undefined variable: ${name}`);
  }

  // --- errors -------------------------------------------------------------------------------

  at(n: Node): void { this.node = n; }

  errorf(msg: string): never {
    if (!this.node) throw new ExecError(`template: ${this.tmplName}: ${msg}`);
    const [location, context] = errorContext(this.node);
    throw new ExecError(`template: ${location}: executing "${this.tmplName}" at <${context}>: ${msg}`);
  }

  // --- walk ---------------------------------------------------------------------------------

  walk(dot: RValue, node: Node): Flow {
    this.node = node;
    switch (node.kind) {
      case 'action': {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return NORMAL;
      }
      case 'text':
        this.out += node.text;
        return NORMAL;
      case 'list': {
        const nodes = node.nodes;
        for (let i = 0; i < nodes.length; i++) {
          const f = this.walk(dot, nodes[i]!);
          if (f !== NORMAL) return f;
        }
        return NORMAL;
      }
      case 'if':
      case 'with':
        return this.walkIfOrWith(dot, node);
      case 'range':
        return this.walkRange(dot, node);
      case 'template':
        this.walkTemplate(dot, node);
        return NORMAL;
      case 'break':
        return BREAK;
      case 'continue':
        return CONTINUE;
      case 'comment':
        return NORMAL;
    }
    this.errorf(`unknown node: ${nodeString(node)}`);
  }

  walkIfOrWith(dot: RValue, node: BranchNode): Flow {
    const mark = this.mark();
    try {
      const val = this.evalPipeline(dot, node.pipe);
      if (isTrue(val)) {
        if (node.kind === 'if') return this.walk(dot, node.list);
        const saved = this.dotSlot;
        this.dotSlot = false;
        try { return this.walk(val, node.list); } finally { this.dotSlot = saved; }
      }
      if (node.elseList) return this.walk(dot, node.elseList);
      return NORMAL;
    } finally {
      this.pop(mark);
    }
  }

  walkRange(dot: RValue, r: BranchNode): Flow {
    this.at(r);
    const outer = this.mark();
    const val = this.evalPipeline(dot, r.pipe);
    const mark = this.mark();
    const decl = r.pipe.decl;
    const oneIteration = (index: RValue, elem: RValue): Flow => {
      if (decl.length > 0) {
        if (r.pipe.isAssign) this.setVar(decl[0]!.ident[0]!, decl.length > 1 ? index : elem);
        else this.setTopVar(1, elem, true);
      }
      if (decl.length > 1) {
        if (r.pipe.isAssign) this.setVar(decl[1]!.ident[0]!, elem);
        else this.setTopVar(2, index);
      }
      const saved = this.dotSlot;
      this.dotSlot = true;
      try {
        return this.walk(elem, r.list);
      } finally {
        this.dotSlot = saved;
        this.pop(mark);
      }
    };
    let ran = false;
    if (Array.isArray(val)) {
      for (let i = 0; i < val.length; i++) {
        ran = true;
        if (oneIteration(i, val[i] ?? null) === BREAK) break;
      }
    } else if (val instanceof Map) {
      const keys = [...val.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (const k of keys) {
        ran = true;
        if (oneIteration(k, val.get(k) ?? null) === BREAK) break;
      }
    } else if (val !== NO_VALUE && val !== null) {
      this.errorf(`range can't iterate over ${formatV(val)}`);
    }
    // A {{continue}} in the else list belongs to an enclosing range; a {{break}} ends this one.
    const f = !ran && r.elseList ? this.walk(dot, r.elseList) : NORMAL;
    this.pop(outer);
    return f === CONTINUE ? CONTINUE : NORMAL;
  }

  walkTemplate(dot: RValue, t: TemplateNode): void {
    this.at(t);
    const tree = this.set.trees.get(t.name);
    if (!tree) this.errorf(`template "${t.name}" not defined`);
    if (this.depth >= MAX_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_DEPTH})`);
    const newDot = t.pipe ? this.evalPipeline(dot, t.pipe) : NO_VALUE;
    const saved = { vars: this.vars, name: this.tmplName };
    this.vars = [{ name: '$', value: newDot }];
    this.tmplName = t.name;
    const savedSlot = this.dotSlot;
    this.dotSlot = false;
    this.depth++;
    try {
      this.walk(newDot, tree.root);
    } catch (e) {
      // JavaScript's stack ends long before Go's 100000 nested templates: report it as Go would.
      if (isStackOverflow(e)) {
        this.tmplName = saved.name;
        this.at(t);
        this.errorf(`exceeded maximum template depth (${MAX_DEPTH})`);
      }
      throw e;
    }
    this.depth--;
    this.dotSlot = savedSlot;
    this.vars = saved.vars;
    this.tmplName = saved.name;
  }

  printValue(n: Node, v: RValue): void {
    this.at(n);
    if (v === NO_VALUE) { this.out += '<no value>'; return; }
    if (typeof v === 'string') { this.out += v; return; }
    let s = formatV(v);
    // printableValue indirects a pointer before printing: no leading '&'.
    if (v instanceof GoStruct && v.typeName.startsWith('*') && s.startsWith('&')) s = s.slice(1);
    this.out += s;
  }

  // --- evaluation ---------------------------------------------------------------------------

  /** A pipeline's value; a nil interface result becomes "no value"; declarations are pushed. */
  evalPipeline(dot: RValue, pipe: PipeNode): RValue {
    this.at(pipe);
    let value: Final = NO_FINAL;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd.args, cmd, value);
      if (value === null) value = NO_VALUE;
    }
    const v = value as RValue;
    for (const d of pipe.decl) {
      if (pipe.isAssign) this.setVar(d.ident[0]!, v);
      else this.push(d.ident[0]!, v);
    }
    return v;
  }

  evalCommand(dot: RValue, args: Node[], cmd: Node, final: Final): RValue {
    const first = args[0]!;
    switch (first.kind) {
      case 'field': return this.evalFieldNode(dot, first, args, final);
      case 'chain': return this.evalChainNode(dot, first, args, final);
      case 'identifier': return this.evalFunction(dot, first, cmd, args, final);
      case 'pipe':
        this.notAFunction(args, final);
        return this.evalPipeline(dot, first);
      case 'variable': return this.evalVariableNode(dot, first, args, final);
    }
    this.at(first);
    this.notAFunction(args, final);
    switch (first.kind) {
      case 'bool': return first.value;
      case 'dot': return dot;
      case 'nil': this.errorf('nil is not a command');
      // falls through (errorf never returns)
      case 'number': return this.idealConstant(first);
      case 'string': return first.text;
    }
    this.errorf(`can't evaluate command "${nodeString(first)}"`);
  }

  notAFunction(args: Node[], final: Final): void {
    if (args.length > 1 || final !== NO_FINAL) this.errorf(`can't give argument to non-function ${nodeString(args[0]!)}`);
  }

  /** A number in a context without a type: the literal's syntax decides int or float64. */
  idealConstant(n: NumberNode): RValue {
    this.at(n);
    const t = n.text;
    const hexInt = t.length > 2 && t[0] === '0' && (t[1] === 'x' || t[1] === 'X') && !/[pP]/.test(t);
    if (n.isFloat && !hexInt && t[0] !== "'" && /[.eEpP]/.test(t)) return new GoFloat(n.float);
    if (n.isInt) return n.int;
    if (n.isUint) this.errorf(`${t} overflows int`);
    return NO_VALUE;
  }

  evalFieldNode(dot: RValue, field: FieldNode, args: Node[], final: Final): RValue {
    this.at(field);
    return this.evalFieldChain(dot, dot, this.dotSlot, field, field.ident, args, final);
  }

  evalChainNode(dot: RValue, chain: ChainNode, args: Node[], final: Final): RValue {
    this.at(chain);
    if (chain.node.kind === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, null, chain.node);
    return this.evalFieldChain(dot, pipe, false, chain, chain.field, args, final);
  }

  evalVariableNode(dot: RValue, v: VariableNode, args: Node[] | null, final: Final): RValue {
    this.at(v);
    const value = this.varValue(v.ident[0]!);
    if (v.ident.length === 1) {
      if (args) this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, this.varSlot(v.ident[0]!), v, v.ident.slice(1), args, final);
  }

  evalFieldChain(dot: RValue, receiver: RValue, slot: boolean, node: Node, ident: string[], args: Node[] | null, final: Final): RValue {
    const n = ident.length;
    for (let i = 0; i < n - 1; i++) {
      receiver = this.evalField(dot, ident[i]!, node, null, NO_FINAL, receiver, slot);
      slot = this.slot;
    }
    return this.evalField(dot, ident[n - 1]!, node, args, final, receiver, slot);
  }

  /** .Field on a map (missing key → nil), a struct, or an error for anything else. */
  evalField(dot: RValue, name: string, node: Node, args: Node[] | null, final: Final, receiver: RValue, slot: boolean): RValue {
    this.slot = false;
    if (receiver === NO_VALUE) return NO_VALUE;
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${name}`);
    // A method (Go looks for one before fields): a receiver may offer them as GoFuncs.
    const method = (receiver as Partial<GoMethods>).goMethod?.(name);
    if (method) return this.evalCall(dot, method, null, node, name, args ?? [node], final);
    const hasArgs = (args !== null && args.length > 1) || final !== NO_FINAL;
    if (receiver instanceof Map) {
      if (hasArgs) this.errorf(`${name} is not a method but has arguments`);
      this.slot = true;
      const v = receiver.get(name);
      return v === undefined ? null : v;
    }
    if (receiver instanceof GoStruct) {
      if (receiver.fields.has(name)) {
        if (hasArgs) this.errorf(`${name} has arguments but cannot be invoked as function`);
        return receiver.fields.get(name) ?? null;
      }
    }
    const typ = slot ? 'interface {}' : goTypeName(receiver);
    this.errorf(`can't evaluate field ${name} in type ${typ}`);
  }

  evalFunction(dot: RValue, node: IdentifierNode, cmd: Node, args: Node[], final: Final): RValue {
    this.at(node);
    const name = node.ident;
    const fn = this.set.overrides?.get(name) ?? this.set.funcs.get(name);
    if (fn) return this.evalCall(dot, fn, null, cmd, name, args, final);
    const b = builtinFuncs.get(name);
    if (!b) this.errorf(`"${name}" is not a defined function`);
    return this.evalCall(dot, null, b, cmd, name, args, final);
  }

  /**
   * Calls a function with Go's arity check and argument conversion. `args[0]` is the function's
   * own node; `final` is the previous command's value, appended as the last argument.
   */
  evalCall(dot: RValue, fn: GoFunc | null, b: Builtin | null, node: Node, name: string, argNodes: Node[], final: Final): RValue {
    const args = argNodes.slice(1);
    const params: readonly ParamType[] = fn ? fn.params : b!.params;
    const variadic: ParamType | undefined = fn ? fn.variadic : b!.variadic;
    let numIn = args.length;
    if (final !== NO_FINAL) numIn++;
    const numFixed = variadic !== undefined ? params.length : args.length;
    if (variadic !== undefined) {
      if (numIn < numFixed) this.errorf(`wrong number of args for ${name}: want at least ${params.length} got ${args.length}`);
    } else if (numIn !== params.length) {
      this.errorf(`wrong number of args for ${name}: want ${params.length} got ${numIn}`);
    }
    // and/or (the builtins, not overrides) stop at the first argument that decides.
    if (b && (name === 'and' || name === 'or')) {
      let v: RValue = NO_VALUE;
      for (const a of args) {
        v = this.evalArg(dot, 'value', a);
        if (isTrue(v) === (name === 'or')) return v;
      }
      if (final !== NO_FINAL) v = this.validateType(final, 'value');
      return v;
    }
    const argv: RValue[] = new Array(numIn);
    let i = 0;
    for (; i < numFixed && i < args.length; i++) argv[i] = this.evalArg(dot, params[i]!, args[i]!);
    if (variadic !== undefined) {
      for (; i < args.length; i++) argv[i] = this.evalArg(dot, variadic, args[i]!);
    }
    if (final !== NO_FINAL) {
      let t: ParamType = params[params.length - 1] ?? null;
      if (variadic !== undefined) t = numIn - 1 < numFixed ? params[numIn - 1]! : variadic;
      argv[i] = this.validateType(final, t);
    }
    let result: RValue;
    try {
      if (fn) result = fn.fn(...(argv as Value[]));
      else result = b!.fn(argv, args);
    } catch (e) {
      if (isStackOverflow(e)) throw e; // unwinds to a caller with stack left (see include, walkTemplate)
      this.at(node);
      const msg = e instanceof Error ? e.message : String(e);
      this.errorf(`error calling ${name}: ${msg}`);
    }
    return result === undefined ? null : result;
  }

  /** Evaluates one argument for a parameter type (Go's evalArg). */
  evalArg(dot: RValue, typ: ParamType, n: Node): RValue {
    this.at(n);
    switch (n.kind) {
      case 'dot': return this.validateType(dot, typ);
      case 'nil':
        if (canBeNil(typ)) return zeroOf(typ);
        this.errorf(`cannot assign nil to ${typ}`);
      // falls through (errorf never returns)
      case 'field': return this.validateType(this.evalFieldNode(dot, n, [n], NO_FINAL), typ);
      case 'variable': return this.validateType(this.evalVariableNode(dot, n, null, NO_FINAL), typ);
      case 'pipe': return this.validateType(this.evalPipeline(dot, n), typ);
      case 'identifier': return this.validateType(this.evalFunction(dot, n, n, [n], NO_FINAL), typ);
      case 'chain': return this.validateType(this.evalChainNode(dot, n, [], NO_FINAL), typ);
    }
    switch (typ) {
      case 'bool':
        if (n.kind === 'bool') return n.value;
        this.errorf(`expected bool; found ${nodeString(n)}`);
      // falls through
      case 'float64':
        if (n.kind === 'number' && n.isFloat) return new GoFloat(n.float);
        this.errorf(`expected float; found ${nodeString(n)}`);
      // falls through
      case 'int': case 'int64':
        // An untyped constant takes the parameter's type: an int64 parameter gets a bigint.
        if (n.kind === 'number' && n.isInt) return typ === 'int' ? n.int : BigInt.asIntN(64, parseGoInt(n.text) ?? BigInt(n.int));
        this.errorf(`expected integer; found ${nodeString(n)}`);
      // falls through
      case 'uint32':
        if (n.kind === 'number' && n.isUint) return n.int;
        this.errorf(`expected unsigned integer; found ${nodeString(n)}`);
      // falls through
      case 'string':
        if (n.kind === 'string') return n.text;
        this.errorf(`expected string; found ${nodeString(n)}`);
      // falls through
      case 'interface {}': case 'value': case null:
        return this.evalEmptyInterface(n);
    }
    this.errorf(`can't handle ${nodeString(n)} for arg of type ${typ}`);
  }

  evalEmptyInterface(n: Node): RValue {
    this.at(n);
    switch (n.kind) {
      case 'bool': return n.value;
      case 'number': return this.idealConstant(n);
      case 'string': return n.text;
    }
    this.errorf(`can't handle assignment of ${nodeString(n)} to empty interface argument`);
  }

  /** Go's validateType: the value must be assignable to the parameter type. */
  validateType(value: RValue, typ: ParamType): RValue {
    if (value === NO_VALUE) {
      if (typ === null || typ === 'value') return NO_VALUE;
      if (canBeNil(typ)) return zeroOf(typ);
      this.errorf(`invalid value; expected ${typ}`);
    }
    if (typ === null || typ === 'value' || typ === 'interface {}') return value;
    if (value === null) this.errorf(`wrong type for value; expected ${typ}; got interface {}`);
    if (assignable(value, typ)) return value;
    this.errorf(`wrong type for value; expected ${typ}; got ${goTypeName(value)}`);
  }
}

function canBeNil(typ: ParamType): boolean {
  return typ === 'value' || typ === 'interface {}' || typ === null ||
    (typeof typ === 'string' && (typ.startsWith('[]') || typ.startsWith('map[')));
}

/** reflect.Zero of a nilable type: nil interface, or an empty (nil) slice or map. */
function zeroOf(typ: ParamType): RValue {
  if (typ === 'value') return NO_VALUE;
  if (typ === 'interface {}' || typ === null) return null;
  if (typ.startsWith('[]')) return typ === '[]interface {}' ? [] : typedSlice([], typ);
  return new Map();
}

function assignable(v: Value, typ: GoType): boolean {
  switch (typ) {
    case 'string': return typeof v === 'string';
    case 'bool': return typeof v === 'boolean';
    // int and int64 are different types: an int64 (sprig's `add` result) passed to an int
    // parameter fails as in Go ("wrong type for value; expected int; got int64").
    case 'int': return typeof v === 'number';
    case 'int64': return typeof v === 'bigint';
    // No value of the model is a uint32: only an untyped constant (evalArg) can be one.
    case 'uint32': return false;
    case 'float64': return v instanceof GoFloat;
    case 'time.Time': return v instanceof GoTime;
    case 'map[string]interface {}': return v instanceof Map;
    default: return Array.isArray(v) && goTypeName(v) === typ;
  }
}

/**
 * Methods of a Go value (time.Time's Year, a *semver.Version's LessThan, …): an object of the
 * value model may implement this to be called as `.Year` or `.LessThan $v` from templates.
 */
export interface GoMethods {
  goMethod(name: string): GoFunc | undefined;
}
