/**
 * Deciding a `metro run`: from a rendered job and the flags, the ordered steps (hooks, source,
 * packer) with every path, command and variable they will use. `--dry-run` prints this plan;
 * execute.ts walks it. Nothing here touches the disk.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { HookRun } from '../hooks/hook.js';
import type { Bind, Hook, HookType, Job, TarformersSpec } from '../job.js';
import type { RenderedJob } from '../render.js';
import { jobEnv } from './env.js';

export type Executor = 'builtin' | 'fchroot';

export interface MetroRunFlags {
  readonly cleanup: boolean;
  readonly skipSource: boolean;
  readonly skipHooks: boolean;
  readonly skipPacker: boolean;
  readonly fchrootDebug: boolean;
  readonly cpu?: string;
  readonly quiet: boolean;
  readonly resume: boolean;
  readonly executor: Executor;
}

export type SourcePlan =
  | { readonly type: 'http'; readonly uri: string; readonly target: string; readonly checksum?: string }
  | { readonly type: 'anise'; readonly commands: ReadonlyArray<readonly string[]> };

export interface OutputPlan { readonly dir: string; readonly name: string; readonly path: string; readonly tarformers: TarformersSpec | null }

type StepBody =
  | { readonly kind: 'hook'; readonly hook: HookRun }
  | { readonly kind: 'source'; readonly source: SourcePlan }
  | { readonly kind: 'pack'; readonly output: OutputPlan };

export type RunStep = { readonly id: string; readonly fingerprint: string } & StepBody;

export interface RunPlan {
  readonly job: string;
  readonly specfile: string;
  /** Host hooks and anise run here (the reference resolves relative paths in hooks against it). */
  readonly cwd: string;
  readonly workspace: string;
  readonly rootfs: string;
  readonly logDir: string;
  /** Lock and resume state. */
  readonly stateDir: string;
  readonly flags: MetroRunFlags;
  /** The job-level chroot_binds: their sources are created before the hooks run. */
  readonly binds: readonly Bind[];
  /** What the job adds to the host environment of every hook. */
  readonly env: Readonly<Record<string, string>>;
  readonly steps: readonly RunStep[];
  /** Where the output goes, also when the packer is skipped (for the post-output variables). */
  readonly output: OutputPlan;
}

/** Hooks without an entrypoint run through bash, for every hook type (mark-devkit's documented default). */
export const DEFAULT_ENTRYPOINT = ['/bin/bash', '-c'] as const;

/** The phase order of mark-devkit's RunJob (reference metro.md §4.1); hooks grouped by type across files. */
export function planRun(r: RenderedJob, specfile: string, flags: MetroRunFlags, cwd: string, host: NodeJS.ProcessEnv): RunPlan {
  const job = r.job;
  const workspace = job.workspacedir;
  const rootfs = join(workspace, 'rootfs');
  const hooks = r.hooks.flatMap(({ file, hookFile }, f) => hookFile.hooks.map((h, i) => ({ id: `hook:${f}.${i}:${h.name || h.type}`, hook: plannedHook(h, file, job) })));
  const ofType = (...types: HookType[]) => hooks.filter((h) => types.includes(h.hook.type)).map((h) => step(h.id, { kind: 'hook', hook: h.hook }));
  const output = outputPlan(job);

  const steps: RunStep[] = [];
  if (!flags.skipHooks) steps.push(...ofType('outer-pre-sourcer'));
  if (!flags.skipSource) steps.push(step('source', { kind: 'source', source: sourcePlan(job, rootfs) }));
  if (!flags.skipHooks) steps.push(...ofType('outer-pre-chroot'), ...ofType('inner-chroot', 'outer-chroot'), ...ofType('outer-post-chroot'));
  // As in mark-devkit, post-output hooks belong to the output: --skip-packer-phase skips them, --skip-hooks-phase does not.
  if (!flags.skipPacker) steps.push(step('pack', { kind: 'pack', output }), ...ofType('outer-post-output'));

  return {
    job: job.name, specfile, cwd, workspace, rootfs,
    logDir: join(workspace, 'logs'),
    stateDir: join(workspace, '.prefixkit'),
    flags, binds: job.chroot_binds,
    env: jobEnv(job, workspace, rootfs, host),
    steps, output,
  };
}

/** The variables post-output hooks get on top of the job's. */
export const outputEnv = (o: OutputPlan) => ({ MARKDEVKIT_OUTPUTDIR: o.dir, MARKDEVKIT_OUTPUTNAME: o.name });

/** A hook as it will run: the entrypoint defaulted and the binds of the job and the hook merged. */
function plannedHook(h: Hook, file: string, job: Job): HookRun {
  return {
    name: h.name || h.type, type: h.type as HookType, file,
    entrypoint: h.entrypoint.length ? h.entrypoint : DEFAULT_ENTRYPOINT,
    commands: h.commands,
    binds: [...job.chroot_binds, ...h.chroot_binds],
  };
}

/** anise's four steps (reference metro.md §4.5), the repos and packages steps only when listed. */
function sourcePlan(job: Job, rootfs: string): SourcePlan {
  const s = job.source;
  if (s.type === 'anise') {
    const base = ['anise', '--system-target', rootfs, ...(s.anise_config ? ['--config', s.anise_config] : [])];
    return {
      type: 'anise',
      commands: [
        [...base, 'repo', 'update'],
        ...(s.anise_repos.length ? [[...base, 'install', '-y', '--skip-config-protect', ...s.anise_repos]] : []),
        ...(s.anise_packages.length ? [[...base, 'install', '--sync-repos', '-y', '--skip-config-protect', ...s.anise_packages]] : []),
        [...base, 'cleanup'],
      ],
    };
  }
  return { type: 'http', uri: s.uri, target: s.target, ...(s.checksum ? { checksum: s.checksum } : {}) };
}

function outputPlan(job: Job): OutputPlan {
  const { dir, name, tarformers_specs } = job.output;
  return { dir, name, path: join(dir, name), tarformers: tarformers_specs };
}

/** A step with the fingerprint --resume compares: a step whose content changed runs again. */
function step(id: string, body: StepBody): RunStep {
  const fingerprint = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 16);
  return { id, fingerprint, ...body };
}
