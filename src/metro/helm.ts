/**
 * The one place metro code meets the template engine (src/gotemplate/engine.ts): Helm's render of
 * one text with `.Values`, its errors turned into mark-devkit's wording.
 */
import { renderHelm, TemplateError } from '../gotemplate/engine.js';
import type { GoMap } from '../gotemplate/value.js';
import { RenderError, type RenderFn } from './render.js';

/** Renders with Helm semantics; a template error becomes `RenderError` naming `label`. */
export const helmRender: RenderFn = (text: string, values: GoMap, label: string): string => {
  try {
    return renderHelm(text, values);
  } catch (e) {
    if (e instanceof TemplateError) throw new RenderError(label, e.message);
    throw e;
  }
};

/** Whether `e` is the engine's TemplateError (for callers that print Helm's message as it is). */
export const isTemplateError = (e: unknown): e is Error => e instanceof TemplateError;

export { renderHelm };
