/**
 * The engine's errors, each worded as its Go/Helm counterpart words it:
 * - ParseError: `template: NAME:LINE: msg` (text/template/parse)
 * - ExecError: `template: NAME:L:C: executing "NAME" at <ctx>: msg` (text/template exec)
 * - TemplateError: what renderHelm throws, after Helm's rewording (`parse error at (…)`, …)
 */
import { nodeString, type Node } from './parse.js';

export class ParseError extends Error {
  override name = 'ParseError';
}

export class ExecError extends Error {
  override name = 'ExecError';
}

/** A render failure, worded as Helm words it (`parse error at (tpl/templates:1): …`). */
export class TemplateError extends Error {
  override name = 'TemplateError';
}

/** ErrorContext: `NAME:LINE:COL` (COL in bytes from the line start) and the node's text. */
export function errorContext(n: Node): [string, string] {
  const tree = n.tree;
  const text = tree.text.slice(0, n.pos);
  const nl = text.lastIndexOf('\n');
  const col = nl < 0 ? Buffer.byteLength(text) : Buffer.byteLength(text.slice(nl + 1));
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) line++;
  return [`${tree.parseName}:${line}:${col}`, nodeString(n)];
}

/** Whether an exception is JavaScript's "Maximum call stack size exceeded". */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && e.message.includes('call stack');
}
