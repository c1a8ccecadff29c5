/** Calls a Helm/sprig function directly, as the engine would after argument conversion. */
import { helmFuncMap } from '../../../../src/gotemplate/funcs/index.js';
import { formatV } from '../../../../src/gotemplate/format.js';
import { GoFloat, type Value } from '../../../../src/gotemplate/value.js';

export function call(name: string, ...args: Value[]): Value {
  const f = helmFuncMap().get(name);
  if (!f) throw new Error(`no function ${name}`);
  return f.fn(...args);
}

/** The result as the template would print it (fmt %v). */
export const show = (name: string, ...args: Value[]): string => formatV(call(name, ...args));

export const f = (x: number) => new GoFloat(x);
export const m = (o: Record<string, Value>) => new Map(Object.entries(o));
