/**
 * Rendering a job exactly as mark-devkit's `Job.Render` does (reference metro.md §3.2,
 * gotemplate.md §2): source.uri, source.path, source.target, output.name, output.dir (each a
 * separate Helm render with the job's options as .Values, only when non-empty), the path
 * fix-ups, then every hooks file rendered as one text and only then parsed as YAML.
 */
import { readFileSync } from 'node:fs';
import type { GoMap } from '../gotemplate/value.js';
import { Failure, UsageError } from '../util/errors.js';
import { hookFileSchema, HOOK_TYPES, type HookFile, type Job } from './job.js';
import { decodeAs, FieldError } from './schema.js';
import { goJoin, hookFilePaths, isHookType, specDir, type SelectedJob } from './spec.js';
import { parseYaml, YamlError } from './yaml.js';

/**
 * Renders one template text with `values` as .Values (Helm semantics). `label` names the text in
 * errors: the field name (`source.uri`) or the hooks file path. It throws `RenderError`.
 */
export type RenderFn = (text: string, values: GoMap, label: string) => string;

/** A template failed: the message reads as mark-devkit's (`Error on rendering file <label>: <helm error>`). */
export class RenderError extends Failure {
  override name = 'RenderError';
  constructor(readonly label: string, readonly reason: string) {
    super(`Error on rendering file ${label}: ${reason}`);
  }
}

export interface RenderedHookFile { readonly file: string; readonly hookFile: HookFile }

/** mark-devkit's JobRendered: the job with its rendered fields, and the hooks files in order. */
export interface RenderedJob { readonly job: Job; readonly hooks: readonly RenderedHookFile[] }

/** Renders a selected job. The loaded job is not changed (mark-devkit mutates it; we copy). */
export function renderJob(sel: SelectedJob, render: RenderFn): RenderedJob {
  const src = sel.job;
  const base = specDir(sel.spec);
  const values: GoMap = src.options ?? new Map();
  const field = (text: string, label: string) => text === '' ? '' : render(text, values, label);
  const abs = (p: string) => p === '' || p.startsWith('/') ? p : goJoin(base, p);

  const uri = field(src.source.uri, 'source.uri');
  const path = field(src.source.path, 'source.path');
  const target = abs(field(src.source.target, 'source.target'));
  const name = field(src.output.name, 'output.name');
  const dir = abs(field(src.output.dir, 'output.dir'));
  const workspacedir = src.workspacedir.startsWith('/') ? src.workspacedir : goJoin(base, src.workspacedir);

  const job: Job = { ...src, source: { ...src.source, uri, path, target }, output: { ...src.output, name, dir }, workspacedir };
  const hooks = hookFilePaths(src, sel.spec).map((file) => ({ file, hookFile: renderHookFile(file, values, render) }));
  return { job, hooks };
}

/** Reads, renders and parses one hooks file; a hook without a type is inner-chroot. */
export function renderHookFile(file: string, values: GoMap, render: RenderFn): HookFile {
  const text = readFileSync(file, 'utf8');
  const rendered = render(text, values, file);
  let hf: HookFile;
  try {
    const d = parseYaml(rendered);
    hf = decodeAs(d, d.root, hookFileSchema) as HookFile;
  } catch (e) {
    if (e instanceof FieldError || e instanceof YamlError)
      throw new Failure(`${file}: after rendering: ${e.message}`);
    throw e;
  }
  hf.hooks.forEach((h, i) => {
    if (h.type === '') h.type = 'inner-chroot';
    if (!isHookType(h.type))
      throw new UsageError(`${file}: hooks[${i}]${h.name ? ` "${h.name}"` : ''}: type "${h.type}" is not a hook type (one of ${HOOK_TYPES.join(', ')})`);
  });
  return hf;
}
