import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ejs from 'ejs';

/** templates/ sits two levels above this module both in src/util and in dist/util. */
export const TEMPLATE_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

const cache = new Map<string, ejs.TemplateFunction>();

/**
 * Renders templates/<name>. `<%= x %>` goes through `escape` (shell quoting for scripts,
 * double-quote escaping for make.conf); `<%- x %>` is for trusted, already-quoted text.
 */
export function renderTemplate(name: string, data: object, escape: (v: unknown) => string): string {
  const key = `${name}\0${escape.name}`;
  let fn = cache.get(key);
  if (!fn) {
    fn = ejs.compile(readFileSync(TEMPLATE_DIR + name, 'utf8'), { escape, filename: TEMPLATE_DIR + name, strict: true, localsName: 't' });
    cache.set(key, fn);
  }
  return fn(data);
}

/** For values inside double quotes in make.conf (bash syntax). */
export const dq = (v: unknown): string => String(v).replace(/[\\"$`]/g, '\\$&');
