/**
 * Doing a `metro run`: walks the plan under the workspace lock. Ctrl-C or SIGTERM stops the
 * running step's processes and exits 130/143; `--resume` skips the steps a previous run
 * completed unchanged. The rootfs is removed after a successful run (--cleanup) and kept after
 * a failed one, so that --resume can continue from the failed step.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { interruptible } from '../../util/interrupt.js';
import { formatBytes, type Log } from '../../util/log.js';
import { run } from '../../util/run.js';
import { runHook } from '../hooks/hook.js';
import { packRootfs } from '../pack/pack.js';
import { fetchAndExtract } from '../source/http.js';
import { hookEnv } from './env.js';
import { outputEnv, type RunPlan, type RunStep, type SourcePlan } from './plan.js';
import { lockWorkspace, readState, removeRootfs, statePath, writeState, type RunState } from './workspace.js';

export async function executeRun(plan: RunPlan, log: Log): Promise<void> {
  const release = lockWorkspace(plan.stateDir, plan.workspace);
  try {
    await interruptible('the rootfs is kept: run again with --resume to continue from the interrupted step', (signal) => walk(plan, log, signal));
  } finally {
    release();
  }
}

async function walk(plan: RunPlan, log: Log, signal: AbortSignal): Promise<void> {
  const stateFile = statePath(plan.stateDir, plan.job);
  const skip = plan.flags.resume ? resumePoint(plan.steps, readState(stateFile)) : 0;
  if (plan.flags.resume) log.info(skip ? `resuming after ${plan.steps[skip - 1]!.id} (${skip} of ${plan.steps.length} steps done)` : 'nothing to resume: running every step');
  await prepareRootfs(plan, log, skip);
  for (const b of plan.binds) mkdirSync(b.source, { recursive: true });
  mkdirSync(plan.logDir, { recursive: true });

  const completed = plan.steps.slice(0, skip).map(({ id, fingerprint }) => ({ id, fingerprint }));
  for (const [i, s] of plan.steps.entries()) {
    if (i < skip) continue;
    signal.throwIfAborted();
    log.step(i + 1, plan.steps.length, s.id, describe(s));
    await runStep(plan, s, log, signal);
    completed.push({ id: s.id, fingerprint: s.fingerprint });
    await writeState(stateFile, { job: plan.job, completed } satisfies RunState);
  }
  if (plan.flags.cleanup) {
    log.info(`removing ${plan.rootfs} (--cleanup)`);
    await removeRootfs(plan.rootfs);
  }
}

/** How many leading steps a previous run completed with the same content. */
function resumePoint(steps: readonly RunStep[], state: RunState | undefined): number {
  let n = 0;
  while (n < steps.length && state?.completed[n]?.id === steps[n]!.id && state.completed[n]!.fingerprint === steps[n]!.fingerprint) n++;
  return n;
}

/**
 * A fresh run wipes an existing rootfs when --cleanup is on (mark-devkit), and reuses it with
 * --cleanup=false. A resumed run keeps it, except that a source step that did not complete
 * starts again from an empty rootfs.
 */
async function prepareRootfs(plan: RunPlan, log: Log, skip: number): Promise<void> {
  const sourceLeft = plan.steps.slice(skip).some((s) => s.kind === 'source');
  if (existsSync(plan.rootfs) && (skip > 0 ? sourceLeft : plan.flags.cleanup)) {
    log.info(`wiping ${plan.rootfs}`);
    await removeRootfs(plan.rootfs);
  }
  mkdirSync(plan.rootfs, { recursive: true, mode: 0o700 });
}

async function runStep(plan: RunPlan, s: RunStep, log: Log, signal: AbortSignal): Promise<void> {
  switch (s.kind) {
    case 'hook': {
      const extra = s.hook.type === 'outer-post-output' ? outputEnv(plan.output) : {};
      await runHook(s.hook, {
        rootfs: plan.rootfs, env: hookEnv(process.env, plan.env, extra), cwd: plan.cwd,
        executor: plan.flags.executor, fchroot: { debug: plan.flags.fchrootDebug, ...(plan.flags.cpu ? { cpu: plan.flags.cpu } : {}) },
        logDir: plan.logDir, log, quiet: plan.flags.quiet, signal,
      });
      return;
    }
    case 'source':
      await runSource(plan, s.source, log, signal);
      return;
    case 'pack': {
      const r = await packRootfs({ rootfs: plan.rootfs, dir: s.output.dir, name: s.output.name, tarformers: s.output.tarformers, log, signal });
      log.info(`wrote ${r.path} (${formatBytes(r.bytes)}) with .DIGESTS and .CONTENTS.gz`);
    }
  }
}

async function runSource(plan: RunPlan, src: SourcePlan, log: Log, signal: AbortSignal): Promise<void> {
  if (src.type === 'http') {
    await fetchAndExtract({ uri: src.uri, target: src.target, ...(src.checksum ? { checksum: src.checksum } : {}), rootfs: plan.rootfs, log, signal });
    return;
  }
  // anise gets the host environment only, as in mark-devkit; its output is never hidden.
  for (const argv of src.commands) await run(argv, { cwd: plan.cwd, label: 'anise', log, logFile: `${plan.logDir}/anise.log`, signal });
}

function describe(s: RunStep): string {
  switch (s.kind) {
    case 'hook': return `${s.hook.type} hook from ${s.hook.file}`;
    case 'source': return s.source.type === 'http' ? `fetch ${s.source.uri} and extract it` : 'install the rootfs with anise';
    case 'pack': return `pack ${s.output.path}`;
  }
}
