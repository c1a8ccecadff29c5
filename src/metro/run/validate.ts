/**
 * Everything a run needs, checked before its first side effect (mark-devkit finds a bad output
 * type only after hours of emerge, reference metro.md §7.1-12): root, the source, the output,
 * the tools, the binds and the executor. Each problem is a one-line UsageError saying the fix.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute } from 'node:path';
import { UsageError } from '../../util/errors.js';
import { isInstalled } from '../../util/tools.js';
import { checkExecutor } from '../hooks/hook.js';
import type { Job } from '../job.js';
import { validateOutput } from '../pack/pack.js';
import { validateHttpSource } from '../source/http.js';
import type { RunPlan } from './plan.js';

export function validateRun(plan: RunPlan, job: Job, uid = process.getuid?.()): void {
  if (uid !== 0) throw new UsageError('metro run needs root (it extracts and packs files of any owner and chroots): run it with sudo');
  const bad = (field: string, why: string): never => { throw new UsageError(`job "${plan.job}": ${field}: ${why}`); };
  const kinds = new Set(plan.steps.map((s) => s.kind));

  if (kinds.has('source')) {
    const s = job.source;
    if (s.type === '') bad('source.type', 'is empty: set http or anise, or pass --skip-source-phase');
    if (s.type === 'http') {
      if (!s.uri) bad('source.uri', 'is empty: the http source needs the URL of the seed tarball');
      if (!s.target) bad('source.target', 'is empty: the http source needs the path to download to');
      validateHttpSource(s.uri, s.checksum || undefined);
    }
    if (s.type === 'anise' && !isInstalled('anise')) bad('source.type', 'anise is not installed (not on PATH): install anise, or use an http source with uri and target');
  } else if (kinds.has('pack') && plan.flags.cleanup && !plan.flags.resume) {
    throw new UsageError('--skip-source-phase with --cleanup would pack an empty rootfs: add --cleanup=false to reuse the rootfs of an earlier run');
  }

  if (kinds.has('pack')) {
    if (job.output.type !== 'file') bad('output.type', `${job.output.type ? `"${job.output.type}" is not supported` : 'is empty'}: use file`);
    if (!plan.output.name) bad('output.name', 'is empty: name the tarball, e.g. stage3-amd64.tar.xz');
    if (!plan.output.dir) bad('output.dir', 'is empty: name the directory for the tarball');
    validateOutput(plan.output.name, plan.output.tarformers);
    if (!writableDir(plan.output.dir)) bad('output.dir', `${plan.output.dir} cannot be created or written`);
  }

  plan.binds.forEach((b, i) => {
    if (!isAbsolute(b.source) || !isAbsolute(b.target)) bad(`chroot_binds[${i}]`, `source and target must be absolute paths (got ${b.source} -> ${b.target})`);
  });
  const chrootHooks = plan.steps.some((s) => s.kind === 'hook' && s.hook.type === 'inner-chroot');
  // A rootfs that the run will wipe says nothing about the architecture yet.
  const kept = existsSync(plan.rootfs) && (!plan.flags.cleanup || plan.flags.resume);
  checkExecutor(kept ? plan.rootfs : undefined, plan.flags.executor, chrootHooks);
}

/** The directory, or its nearest existing ancestor, is a writable directory. */
function writableDir(dir: string): boolean {
  let d = dir;
  while (!existsSync(d) && dirname(d) !== d) d = dirname(d);
  try {
    accessSync(d, constants.W_OK);
    return statSync(d).isDirectory();
  } catch {
    return false;
  }
}
