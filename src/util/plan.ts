import { createHash } from 'node:crypto';
import { mkdir, rm, symlink, rename } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { copy } from 'fs-extra/esm';
import { Failure, StepFailed } from './errors.js';
import { writeAtomic } from './fs.js';
import type { Log } from './log.js';
import { run } from './run.js';
import { shellLine } from './shell.js';

/** One thing a step does. Everything but `task` is plain data; a task carries its own description. */
export type Action =
  | { readonly kind: 'mkdir'; readonly path: string }
  | {
      readonly kind: 'write'; readonly path: string; readonly content: string; readonly mode?: number;
      /** Generated code too long to read in a plan: the text shows the path, JSON has the content. */
      readonly brief?: boolean;
    }
  | { readonly kind: 'copy'; readonly from: string; readonly to: string; readonly exclude?: readonly string[] }
  | { readonly kind: 'symlink'; readonly path: string; readonly target: string }
  | {
      readonly kind: 'run'; readonly argv: readonly string[]; readonly env?: Readonly<Record<string, string>>;
      /** Variables removed from the inherited environment. */
      readonly unset?: readonly string[];
      readonly label: string; readonly logFile?: string;
    }
  | { readonly kind: 'task'; readonly describe: string; readonly run: () => Promise<void> };

export interface Step {
  readonly name: string;
  readonly title: string;
  readonly actions: readonly Action[];
  /** The log a failure points the user at. */
  readonly log?: string;
  /** Long steps get a spinner with the elapsed time. */
  readonly long?: boolean;
}

export interface Plan {
  readonly title: string;
  readonly steps: readonly Step[];
  readonly notes?: readonly string[];
}

/** Remembers finished steps, so a re-run continues from the step that failed. */
export interface StepMarkers {
  isDone(step: string, fingerprint: string): boolean;
  markDone(step: string, fingerprint: string): Promise<void>;
}

export async function executePlan(plan: Plan, log: Log, markers?: StepMarkers): Promise<void> {
  const total = plan.steps.length;
  for (const [i, step] of plan.steps.entries()) {
    const fp = fingerprint(step);
    if (markers?.isDone(step.name, fp)) {
      log.step(i + 1, total, step.name, `${step.title} (done before, skipped)`);
      continue;
    }
    log.step(i + 1, total, step.name, step.title);
    const work = async () => { for (const action of step.actions) await perform(action, log); };
    try {
      await (step.long ? log.spin(step.title, work) : work());
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      throw new StepFailed(step.name, e, step.log);
    }
    await markers?.markDone(step.name, fp);
  }
}

/** A step's identity for resuming: what it would do. A changed config re-runs the step. */
export function fingerprint(step: Step): string {
  return createHash('sha256').update(JSON.stringify(step.actions.map(describeAction))).digest('hex').slice(0, 16);
}

async function perform(action: Action, log: Log): Promise<void> {
  switch (action.kind) {
    case 'mkdir': await mkdir(action.path, { recursive: true }); return;
    case 'write': await writeAtomic(action.path, action.content, action.mode); return;
    case 'copy': {
      const skip = new Set(action.exclude ?? []);
      await copy(action.from, action.to, { filter: (src) => !skip.has(src.slice(action.from.length + 1)) });
      return;
    }
    case 'symlink': {
      // Replace atomically: a new link under a temporary name, renamed over the old one.
      const tmp = join(dirname(action.path), `.${basename(action.path)}.prefixkit-new`);
      await rm(tmp, { force: true });
      await symlink(action.target, tmp);
      await rename(tmp, action.path);
      return;
    }
    case 'run': {
      if (action.logFile) await mkdir(dirname(action.logFile), { recursive: true });
      log.info(`$ ${shellLine(action.argv, action.env)}`);
      const env = { ...process.env, ...action.env };
      for (const k of action.unset ?? []) delete env[k];
      await run(action.argv, { env, label: action.label, logFile: action.logFile, log });
      return;
    }
    case 'task': await action.run(); return;
    default: throw new Failure(`unknown action ${JSON.stringify(action)}`);
  }
}

/** One line per action, as --dry-run prints it (file contents are shown separately). */
export function describeAction(a: Action): string {
  switch (a.kind) {
    case 'mkdir': return `mkdir -p ${a.path}`;
    case 'write': return `write ${a.path}${a.mode !== undefined ? ` (mode ${a.mode.toString(8)})` : ''}${a.brief ? `, ${a.content.split('\n').length - 1} lines` : ''}`;
    case 'copy': return `copy ${a.from}/ -> ${a.to}/${a.exclude?.length ? ` (without ${a.exclude.join(', ')})` : ''}`;
    case 'symlink': return `ln -sfT ${a.target} ${a.path}`;
    case 'run': return `run ${a.unset?.length ? `env ${a.unset.map((k) => `-u ${k}`).join(' ')} ` : ''}${shellLine(a.argv, a.env)}${a.logFile ? `  (log: ${a.logFile})` : ''}`;
    case 'task': return a.describe;
  }
}

/** The plan for people: steps, actions and the full text of every file it would write. */
export function formatPlan(plan: Plan, withContents = true): string {
  const out = [`Plan: ${plan.title}`, ...(plan.notes ?? []).map((n) => `  note: ${n}`)];
  for (const [i, step] of plan.steps.entries()) {
    out.push('', `${i + 1}. ${step.name}: ${step.title}`);
    for (const a of step.actions) {
      out.push(`   - ${describeAction(a)}`);
      if (withContents && a.kind === 'write' && !a.brief) out.push(...a.content.replace(/\n$/, '').split('\n').map((l) => `       | ${l}`));
    }
  }
  return `${out.join('\n')}\n`;
}

/** The plan for tools: plain JSON (task actions become their description). */
export function planJson(plan: Plan): unknown {
  return {
    title: plan.title, notes: plan.notes ?? [],
    steps: plan.steps.map((s) => ({
      name: s.name, title: s.title, ...(s.log ? { log: s.log } : {}),
      actions: s.actions.map((a) => (a.kind === 'task' ? { kind: 'task', describe: a.describe } : a)),
    })),
  };
}
