/**
 * The Helm v3 engine as mark-devkit calls it: one template file named `tpl/templates` in chart
 * `tpl`, missingkey=zero, Helm's root object, the func map plus include/tpl/required/fail, Helm's
 * error rewording, and the final removal of every `<no value>` from the output.
 */
import { quoteGo } from './format.js';
import { ExecError, ParseError, TemplateError, isStackOverflow } from './errors.js';
import { executeTemplate, type GoMethods, type TemplateSet } from './exec.js';
import { helmFuncMap } from './funcs/index.js';
import { BUILTIN_NAMES, isEmptyTree, parseTemplates, type Tree } from './parse.js';
import { NO_VALUE } from './rvalue.js';
import { FuncMap, GoFunc, GoFuncError, GoMap, GoStruct, GoTime, Value, goTypeName, typedSlice } from './value.js';

export { TemplateError };

export interface RenderOptions {
  /** The template's name (Helm: chart name + file name). */
  readonly name?: string;
  /** The function map; defaults to helmFuncMap(). include/tpl/required/fail are added on top. */
  readonly funcs?: FuncMap;
}

/** Renders `text` with `values` as `.Values`, as Helm's engine does for mark-devkit. */
export function renderHelm(text: string, values: GoMap, o: RenderOptions = {}): string {
  const name = o.name ?? 'tpl/templates';
  const funcs = o.funcs ?? defaultFuncs();
  let trees: ReadonlyMap<string, Tree>;
  try {
    trees = parseCached(funcs, name, text);
  } catch (e) {
    if (e instanceof ParseError) throw new TemplateError(cleanupParseError(name, e.message));
    throw e;
  }
  const included = new Map<string, number>();
  const set = helmSet(trees, funcs, included);
  let out: string;
  try {
    out = executeTemplate(set, name, rootData(name, deepCopy(values) as GoMap), ROOT_NAME);
  } catch (e) {
    if (e instanceof ExecError) throw new TemplateError(cleanupExecError(name, e.message));
    // Helm recovers a panic as "rendering template failed"; other exceptions are our bugs.
    if (isStackOverflow(e)) throw new TemplateError(`rendering template failed: ${(e as Error).message}`);
    throw e;
  }
  return stripNoValue(out);
}

/** Helm's hack: remove every `<no value>` from the whole output, literal ones included. */
function stripNoValue(s: string): string {
  return s.includes('<no value>') ? s.replaceAll('<no value>', '') : s;
}

/** Helm's root template is `template.New("gotpl")`; include and tpl name it in errors. */
const ROOT_NAME = 'gotpl';
/** Helm's cap on nested includes of one name (includeFun's recursionMaxNums). */
const MAX_INCLUDES = 1000;
const HELM_FUNCS = new Set(['include', 'tpl', 'required', 'fail']);

let defaults: FuncMap | undefined;
function defaultFuncs(): FuncMap {
  return (defaults ??= helmFuncMap());
}

// --- parsing, cached by func map and text -------------------------------------------------------

type Parsed = ReadonlyMap<string, Tree> | ParseError;
/** func map → template name → text → parse. Keyed by the text itself (V8 caches its hash). */
const parseCache = new WeakMap<FuncMap, Map<string, Map<string, Parsed>>>();
const CACHE_LIMIT = 2000;

/** Parse once, execute many: trees are immutable, so a text's parse is shared by all renders. */
function parseCached(funcs: FuncMap, name: string, text: string): ReadonlyMap<string, Tree> {
  let byName = parseCache.get(funcs);
  if (!byName) parseCache.set(funcs, (byName = new Map()));
  let byText = byName.get(name);
  if (!byText) byName.set(name, (byText = new Map()));
  let p = byText.get(text);
  if (!p) {
    try {
      p = parseTemplates(name, text, hasFunctionIn(funcs));
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      p = e;
    }
    if (byText.size >= CACHE_LIMIT) byText.clear();
    byText.set(text, p);
  }
  if (p instanceof ParseError) throw p;
  return p;
}

function hasFunctionIn(funcs: FuncMap): (n: string) => boolean {
  return (n) => funcs.has(n) || HELM_FUNCS.has(n) || BUILTIN_NAMES.has(n);
}

// --- include, tpl, required, fail ---------------------------------------------------------------

/** A template set whose include/tpl see exactly its templates (tpl works on a clone). */
function helmSet(trees: ReadonlyMap<string, Tree>, funcs: FuncMap, included: Map<string, number>): TemplateSet {
  const overrides = new Map<string, GoFunc>();
  const set: TemplateSet = { trees, funcs, overrides };
  overrides.set('include', {
    params: ['string', 'interface {}'],
    results: 2,
    fn: (name, data) => include(set, included, name as string, data),
  });
  overrides.set('tpl', {
    params: ['string', 'interface {}'],
    results: 2,
    fn: (text, data) => tpl(set, included, text as string, data),
  });
  overrides.set('required', REQUIRED);
  overrides.set('fail', FAIL);
  return set;
}

function include(set: TemplateSet, included: Map<string, number>, name: string, data: Value): string {
  const n = included.get(name);
  if (n !== undefined) {
    if (n > MAX_INCLUDES) {
      throw new GoFuncError(`rendering template has a nested reference name: ${name}: unable to execute template`);
    }
    included.set(name, n + 1);
  } else included.set(name, 1);
  try {
    return executeTemplate(set, name, data === null ? NO_VALUE : data, ROOT_NAME);
  } catch (e) {
    // JavaScript's stack may end before Helm's 1000 nested includes: report Helm's error.
    if (isStackOverflow(e)) throw new GoFuncError(`rendering template has a nested reference name: ${name}: unable to execute template`);
    throw e;
  } finally {
    included.set(name, included.get(name)! - 1);
  }
}

/** tpl: parse the text as template "gotpl" in a clone of the file's templates, then run it. */
function tpl(parent: TemplateSet, included: Map<string, number>, text: string, data: Value): string {
  let parsed: ReadonlyMap<string, Tree>;
  try {
    parsed = parseCached(parent.funcs, ROOT_NAME, text);
  } catch (e) {
    if (e instanceof ParseError) throw new GoFuncError(`cannot parse template ${quoteGo(text, false)}: ${e.message}`);
    throw e;
  }
  const trees = new Map(parent.trees);
  for (const [name, tree] of parsed) {
    // AddParseTree: an empty tree does not replace an existing template.
    const old = trees.get(name);
    if (old && isEmptyTree(tree.root)) continue;
    trees.set(name, tree);
  }
  const set = helmSet(trees, parent.funcs, included);
  try {
    const out = executeTemplate(set, ROOT_NAME, data === null ? NO_VALUE : data, ROOT_NAME);
    return stripNoValue(out);
  } catch (e) {
    if (e instanceof ExecError) {
      throw new GoFuncError(`error during tpl function execution for ${quoteGo(text, false)}: ${e.message}`);
    }
    throw e;
  }
}

const warnWrap = (msg: string) => `HELM_ERR_START${msg}HELM_ERR_END`;

/** required: fails on nil and on the empty string only (0 and false pass). */
const REQUIRED: GoFunc = {
  params: ['string', 'interface {}'],
  results: 2,
  fn: (warn, val) => {
    if (val === null || val === '') throw new GoFuncError(warnWrap(warn as string));
    return val;
  },
};

const FAIL: GoFunc = {
  params: ['string'],
  results: 2,
  fn: (msg) => {
    throw new GoFuncError(warnWrap(msg as string));
  },
};

// --- Helm's error rewording -----------------------------------------------------------------

/** cleanupParseError: `parse error at (NAME:LINE): <last part of the message>`. */
function cleanupParseError(name: string, msg: string): string {
  const tokens = msg.split(': ');
  if (tokens.length === 1) return `parse error in (${name}): ${msg}`;
  return `parse error at (${tokens[1]}): ${tokens[tokens.length - 1]}`;
}

/** cleanupExecError: required/fail messages become `execution error at (NAME:L:C): msg`. */
function cleanupExecError(name: string, msg: string): string {
  const i = msg.indexOf(': ');
  const j = i < 0 ? -1 : msg.indexOf(': ', i + 2);
  if (j < 0) return `execution error in (${name}): ${msg}`;
  const location = msg.slice(i + 2, j);
  const rest = msg.slice(j + 2);
  const a = rest.indexOf('HELM_ERR_START');
  const b = rest.lastIndexOf('HELM_ERR_END');
  if (a >= 0 && b >= a + 14) return `execution error at (${location}): ${rest.slice(a + 14, b)}`;
  return msg;
}

// --- the root object ------------------------------------------------------------------------

/** Helm's data root for a one-file chart named `tpl`. */
function rootData(name: string, values: GoMap): GoMap {
  const template: GoMap = new Map();
  template.set('Name', name).set('BasePath', name);
  const root: GoMap = new Map();
  root.set('Values', values).set('Chart', (chart ??= chartMetadata())).set('Release', null).set('Capabilities', null)
    .set('Files', new HelmFiles()).set('Subcharts', new Map()).set('Template', template);
  return root;
}

/** Helm's `.Files` (engine.files, a map[string][]byte): empty for a one-file chart, with its methods. */
class HelmFiles extends Map<string, Value> implements GoMethods {
  goMethod(name: string): GoFunc | undefined {
    return FILES_METHODS.get(name);
  }
}

const FILES_METHODS = new Map<string, GoFunc>([
  ['Get', { params: ['string'], results: 1, fn: () => '' }],
  ['GetBytes', { params: ['string'], results: 1, fn: () => typedSlice([], '[]byte') }],
  ['Glob', { params: ['string'], results: 1, fn: () => new HelmFiles() }],
  ['AsConfig', { params: [], results: 1, fn: () => '{}' }],
  ['AsSecrets', { params: [], results: 1, fn: () => '{}' }],
  ['Lines', { params: ['string'], results: 1, fn: () => typedSlice([], '[]string') }],
]);

// One Chart value serves all renders: templates only read it (its slices and map are empty).
let chart: GoStruct | undefined;

/** `struct { chart.Metadata; IsRoot bool }` with Name "tpl" and the other fields zero. */
function chartMetadata(): GoStruct {
  const empty = (t: string) => typedSlice([], t);
  return new GoStruct('struct { chart.Metadata; IsRoot bool }', new Map<string, Value>([
    ['Name', 'tpl'], ['Home', ''], ['Sources', empty('[]string')], ['Version', ''], ['Description', ''],
    ['Keywords', empty('[]string')], ['Maintainers', empty('[]*chart.Maintainer')], ['Icon', ''],
    ['APIVersion', ''], ['Condition', ''], ['Tags', ''], ['AppVersion', ''], ['Deprecated', false],
    ['Annotations', new Map()], ['KubeVersion', ''], ['Dependencies', empty('[]*chart.Dependency')],
    ['Type', ''], ['IsRoot', true],
  ]));
}

/** Helm deep-copies the values (copystructure) before rendering: `set` never leaks out. */
function deepCopy(v: Value): Value {
  if (Array.isArray(v)) {
    const t = goTypeName(v);
    const c = v.map(deepCopy);
    return t === '[]interface {}' ? c : typedSlice(c, t);
  }
  if (v instanceof Map) {
    const m = new Map<string, Value>();
    for (const [k, x] of v) m.set(k, deepCopy(x));
    return m;
  }
  if (v instanceof GoTime || v instanceof GoStruct) return v;
  return v;
}
