/** The logic behind `prefixkit metro run` (src/cli/metro.ts holds only its yargs module). */
import { UsageError } from '../../util/errors.js';
import { Log } from '../../util/log.js';
import { helmRender } from '../helm.js';
import { renderJob } from '../render.js';
import { loadSpecs, selectJob } from '../spec.js';
import { loadConfig } from './config.js';
import { executeRun } from './execute.js';
import { formatRunPlan } from './format.js';
import { planRun, type MetroRunFlags } from './plan.js';
import { validateRun } from './validate.js';

export interface MetroRunOptions extends Omit<MetroRunFlags, 'quiet'> {
  readonly specfile: readonly string[];
  readonly job: string;
  readonly config?: string;
  readonly quiet: boolean;
  readonly dryRun: boolean;
}

export async function metroRunCommand(o: MetroRunOptions, cwd: string): Promise<void> {
  if (!o.specfile.length || o.specfile.some((f) => !f)) throw new UsageError('--specfile is missing or empty: name the job spec file');
  if (!o.job) throw new UsageError('--job is missing or empty: name the job to run');
  const config = loadConfig(o.config, cwd, process.env);
  const log = new Log(o.quiet);
  for (const f of o.specfile) log.info(`Loading specfile ${f}`);
  const sel = selectJob(loadSpecs(o.specfile, cwd), o.job);
  const rendered = renderJob(sel, helmRender);
  const plan = planRun(rendered, sel.spec.file, { ...o, quiet: o.quiet || !config.hookOutput }, cwd, process.env);
  if (o.dryRun) {
    process.stdout.write(formatRunPlan(plan));
    return;
  }
  validateRun(plan, rendered.job);
  // mark-devkit 0.32's extraction filters; prefixkit extracts every entry (METRO.md).
  if (rendered.job.source.tarformers_specs) log.warn('source.tarformers_specs is accepted but not applied: the whole seed is extracted');
  if (config.debug) log.info(formatRunPlan(plan).trimEnd());
  log.info(`Starting job ${plan.job}`);
  await executeRun(plan, log);
  log.info(`Job ${plan.job} completed.`);
}
