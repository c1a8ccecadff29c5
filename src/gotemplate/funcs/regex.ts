/**
 * sprig's regex functions on re2js, with Go's regexp semantics: FindAll/Split limits, the
 * `$name`/`${name}` expansion of ReplaceAllString, QuoteMeta, and MustCompile's panic text.
 */
import type { RE2JS } from 're2js';
import { re2js } from '../../util/vendor.js';
import { quoteGo } from '../format.js';
import { GoFuncError, typedSlice, type GoFunc, type Value } from '../value.js';
import { fn, fne } from './define.js';

interface Compiled { re: ReturnType<RE2JS['re2']>; names: string[] }
const cache = new Map<string, Compiled | Error>();

/** regexp.Compile: throws Error(`error parsing regexp: …`). */
function compile(expr: string): Compiled {
  let c = cache.get(expr);
  if (c === undefined) {
    try {
      const p = re2js().RE2JS.compile(expr);
      const names: string[] = [];
      for (const [name, idx] of Object.entries(p.namedGroups())) names[idx] = name;
      c = { re: p.re2(), names };
    } catch (e) {
      c = new Error((e as Error).message);
    }
    if (cache.size > 500) cache.clear();
    cache.set(expr, c);
  }
  if (c instanceof Error) throw c;
  return c;
}

/** regexp.MustCompile: panics with `regexp: Compile(<quoted>): <error>`. */
function mustCompile(expr: string): Compiled {
  try {
    return compile(expr);
  } catch (e) {
    const q = canBackquote(expr) ? '`' + expr + '`' : quoteGo(expr, false);
    throw new GoFuncError(`regexp: Compile(${q}): ${(e as Error).message}`);
  }
}
const canBackquote = (s: string) => !/[`\x00-\x08\x0a-\x1f\x7f\ufeff]/.test(s);

/** regexp.Compile for the must* forms: the error text as is. */
function compileOrError(expr: string): Compiled {
  try {
    return compile(expr);
  } catch (e) {
    throw new GoFuncError((e as Error).message);
  }
}

/** A nil []string: Go prints it as [] (the template sees a typed nil slice, not nil). */
const nilStrings = (): string[] => typedSlice([], '[]string');

function findAll(c: Compiled, s: string, n: number): string[] {
  if (n === 0) return nilStrings();
  const all = c.re.findAllIndex(s, n < 0 ? s.length + 1 : n) as number[][] | null;
  if (!all || all.length === 0) return nilStrings();
  return typedSlice(all.map(([a, b]) => s.slice(a, b)), '[]string');
}

function find(c: Compiled, s: string): string {
  const m = c.re.findIndex(s) as number[] | null;
  return m ? s.slice(m[0], m[1]) : '';
}

function split(c: Compiled, s: string, n: number, expr: string): string[] {
  if (n === 0) return nilStrings();
  if (expr.length > 0 && s.length === 0) return typedSlice([''], '[]string');
  const matches = (c.re.findAllIndex(s, n < 0 ? s.length + 1 : n) as number[][] | null) ?? [];
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const [a, b] of matches) {
    if (n > 0 && out.length === n - 1) break;
    end = a!;
    if (b !== 0) out.push(s.slice(beg, end));
    beg = b!;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return typedSlice(out, '[]string');
}

/** Regexp.Expand for a template: `$1`, `${1}`, `$name`, `${name}`, `$$`. */
function expand(c: Compiled, template: string, src: string, m: number[]): string {
  let out = '';
  while (template.length > 0) {
    const i = template.indexOf('$');
    if (i < 0) break;
    out += template.slice(0, i);
    template = template.slice(i + 1);
    if (template[0] === '$') { out += '$'; template = template.slice(1); continue; }
    const ex = extract(template);
    if (!ex) { out += '$'; continue; }
    template = ex.rest;
    if (ex.num >= 0) {
      if (2 * ex.num + 1 < m.length && m[2 * ex.num]! >= 0) out += src.slice(m[2 * ex.num], m[2 * ex.num + 1]);
    } else {
      for (let g = 0; g < c.names.length; g++) {
        if (c.names[g] === ex.name && 2 * g + 1 < m.length && m[2 * g]! >= 0) {
          out += src.slice(m[2 * g], m[2 * g + 1]);
          break;
        }
      }
    }
  }
  return out + template;
}

function extract(str: string): { name: string; num: number; rest: string } | undefined {
  if (str === '') return undefined;
  let brace = false;
  if (str[0] === '{') { brace = true; str = str.slice(1); }
  const m = /^[\p{L}\p{Nd}_]*/u.exec(str)!;
  let i = m[0].length;
  if (i === 0) return undefined;
  const name = str.slice(0, i);
  if (brace) {
    if (str[i] !== '}') return undefined;
    i++;
  }
  let num = /^[0-9]+$/.test(name) && name.length <= 8 ? Number(name) : -1;
  if (name[0] === '0' && name.length > 1) num = -1;
  return { name, num, rest: str.slice(i) };
}

function replaceAll(c: Compiled, src: string, repl: (m: number[]) => string): string {
  const ms = (c.re.findAllSubmatchIndex(src, src.length + 1) as number[][] | null) ?? [];
  let out = '';
  let last = 0;
  for (const m of ms) {
    out += src.slice(last, m[0]) + repl(m);
    last = m[1]!;
  }
  return out + src.slice(last);
}

/** regexp.QuoteMeta */
const quoteMeta = (s: string) => s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');

const matchString = (c: Compiled, s: string) => c.re.match(s) as boolean;

export const regexFuncs: Record<string, GoFunc> = {
  regexMatch: fn(['string', 'string'], (re: string, s: string) => {
    try { return matchString(compile(re), s); } catch { return false; }
  }),
  mustRegexMatch: fne(['string', 'string'], (re: string, s: string) => matchString(compileOrError(re), s)),
  regexFindAll: fn(['string', 'string', 'int'], (re: string, s: string, n: number): Value => findAll(mustCompile(re), s, n)),
  mustRegexFindAll: fne(['string', 'string', 'int'], (re: string, s: string, n: number): Value => findAll(compileOrError(re), s, n)),
  regexFind: fn(['string', 'string'], (re: string, s: string) => find(mustCompile(re), s)),
  mustRegexFind: fne(['string', 'string'], (re: string, s: string) => find(compileOrError(re), s)),
  regexReplaceAll: fn(['string', 'string', 'string'], (re: string, s: string, r: string) => {
    const c = mustCompile(re);
    return replaceAll(c, s, (m) => expand(c, r, s, m));
  }),
  mustRegexReplaceAll: fne(['string', 'string', 'string'], (re: string, s: string, r: string) => {
    const c = compileOrError(re);
    return replaceAll(c, s, (m) => expand(c, r, s, m));
  }),
  regexReplaceAllLiteral: fn(['string', 'string', 'string'], (re: string, s: string, r: string) => replaceAll(mustCompile(re), s, () => r)),
  mustRegexReplaceAllLiteral: fne(['string', 'string', 'string'], (re: string, s: string, r: string) => replaceAll(compileOrError(re), s, () => r)),
  regexSplit: fn(['string', 'string', 'int'], (re: string, s: string, n: number): Value => split(mustCompile(re), s, n, re)),
  mustRegexSplit: fne(['string', 'string', 'int'], (re: string, s: string, n: number): Value => split(compileOrError(re), s, n, re)),
  regexQuoteMeta: fn(['string'], quoteMeta),
};
