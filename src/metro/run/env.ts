/**
 * The environment of a job's hooks (reference metro.md §4.9): the host's, then the job's
 * options (ints and strings only, `-` → `_`), then `environments`, then MARKDEVKIT_*, then the
 * terminal variables; later entries win. Kept as mark-devkit builds it, so hooks written for it
 * find the same variables.
 */
import type { Value } from '../../gotemplate/value.js';
import type { Job } from '../job.js';

/** The mark-devkit version whose behaviour prefixkit follows; hooks may test it. */
export const MARKDEVKIT_VERSION = '0.18.0';

/** The variables the job adds to the host environment, lowest precedence first. */
export function jobEnv(job: Job, workspace: string, rootfs: string, host: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of job.options ?? []) {
    const s = optionText(v);
    if (s !== undefined) env[k.replaceAll('-', '_')] = s;
  }
  for (const e of job.environments) if (e) env[e.key] = e.value;
  env.MARKDEVKIT_VERSION = MARKDEVKIT_VERSION;
  env.MARKDEVKIT_WORKSPACE = workspace;
  env.MARKDEVKIT_ROOTFS = rootfs;
  env.TERM = host.TERM ?? '';
  for (const k of ['COLORTERM', 'LS_COLORS']) if (host[k]) env[k] = host[k]!;
  return env;
}

/** The whole environment of a hook: the host's with the job's variables (and `extra`) over it. */
export function hookEnv(host: NodeJS.ProcessEnv, job: Readonly<Record<string, string>>, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(host)) if (v !== undefined) env[k] = v;
  return Object.assign(env, job, extra);
}

/** Go's int and string option values become variables; bools, floats, lists, maps, times and nulls do not. */
function optionText(v: Value): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return undefined;
}
