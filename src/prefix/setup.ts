import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError } from '../util/errors.js';
import type { Log } from '../util/log.js';
import { executePlan, type StepMarkers } from '../util/plan.js';
import { PORTAGE_TOOLS, wrapperName } from '../wrappers/tools.js';
import type { PrefixConfig } from './config.js';
import { loadManifest, ManifestStore, type Manifest } from './manifest.js';
import { planSetup } from './plan.js';
import { otherPrefixes, uninstallPrefix } from './uninstall.js';

export interface SetupRun {
  readonly force?: boolean;
  readonly configOnly?: boolean;
  readonly log: Log;
}

/**
 * Creates (or continues, or refreshes) a prefix: decides from its manifest what to do, records
 * what it will own before creating it, then executes the plan step by step.
 */
export async function setupPrefix(cfg: PrefixConfig, o: SetupRun): Promise<void> {
  let existing = await loadManifest(cfg.stateDir);
  if (existing && o.force && !o.configOnly) {
    o.log.warn(`--force: removing prefix ${cfg.name} (${cfg.board}) before re-creating it`);
    await uninstallPrefix(existing, o.log);
    existing = undefined;
  }
  if (existing) checkSameSettings(existing, cfg, o);
  else await checkNoForeignDirs(cfg, o);
  if (!o.configOnly && !existsSync(join('/usr', cfg.chost)))
    throw new UsageError(`the cross toolchain sysroot /usr/${cfg.chost} does not exist: run setup_prefix in the Flatcar SDK (or build the ${cfg.chost} toolchain with crossdev)`);

  const others = await otherPrefixes(cfg);
  const store = new ManifestStore(cfg.stateDir, existing ?? await newManifest(cfg, others), others);
  store.m.settings = cfg.settings;
  await store.save();
  const resumed = existing ? Object.keys(existing.steps).length : 0;
  if (resumed && !o.configOnly) o.log.info(`Continuing prefix ${cfg.name}: ${resumed} step(s) finished before are skipped`);
  const plan = planSetup(cfg, store, { configOnly: o.configOnly });
  for (const note of plan.notes ?? []) o.log.warn(note);
  await executePlan(plan, o.log, o.configOnly ? rewriteAll(store) : store);
  if (!o.configOnly) {
    store.m.status = 'complete';
    await store.save();
  }
  closingLines(cfg, o);
}

async function newManifest(cfg: PrefixConfig, others: readonly Manifest[]): Promise<Manifest> {
  const trees = [cfg.stagingDir, cfg.finalDir].filter((d) => !existsSync(d));
  // Parents created on the way (or by another prefix, which shares them) go only when empty.
  const created = new Set(others.flatMap((o) => o.dirs));
  const dirs: string[] = [];
  for (const dir of [dirname(cfg.stagingDir), dirname(cfg.finalDir), cfg.wrapperDir, cfg.stateDir]) {
    for (let d = dir; d !== '/' && (!existsSync(d) || created.has(d)); d = dirname(d)) if (!dirs.includes(d)) dirs.push(d);
  }
  return {
    version: 1, settings: cfg.settings, name: cfg.name, board: cfg.board, chost: cfg.chost, eprefix: cfg.eprefix, scriptsRoot: cfg.scriptsRoot,
    stagingDir: cfg.stagingDir, stagingRoot: cfg.stagingRoot, finalDir: cfg.finalDir, finalRoot: cfg.finalRoot,
    crossBossRoot: cfg.crossBossRoot, wrapperDir: cfg.wrapperDir,
    trees, dirs: dirs.sort((a, b) => b.length - a.length), wrappers: [], host: [], steps: {}, status: 'incomplete',
    created: new Date().toISOString(),
  };
}

function checkSameSettings(m: Manifest, cfg: PrefixConfig, o: SetupRun): void {
  if (m.status === 'complete' && !o.configOnly)
    throw new UsageError(`prefix ${cfg.name} (${cfg.board}) already exists in ${m.finalDir}: use --force to re-create it, --config_only to refresh its config and wrappers, or --uninstall`);
  const changed = (['eprefix', 'stagingDir', 'finalDir', 'wrapperDir'] as const).filter((k) => m[k] !== cfg[k]);
  if (changed.length)
    throw new UsageError(`prefix ${cfg.name} (${cfg.board}) was set up with another ${changed.join(', ')} (${changed.map((k) => m[k]).join(', ')}): use --force to re-create it, or the same flags`);
}

/** prefixkit deletes only what it created: a directory it has no record of stays untouched. */
async function checkNoForeignDirs(cfg: PrefixConfig, o: SetupRun): Promise<void> {
  if (o.configOnly) return;
  for (const [what, dir] of [['staging', cfg.stagingDir], ['final', cfg.finalDir]] as const) {
    if (existsSync(dir))
      throw new UsageError(`${what} directory ${dir} already exists and was not created by prefixkit: remove it yourself or choose another --${what}_dir`);
  }
}

/** --config_only re-writes every config step, whatever was done before, and remembers it. */
const rewriteAll = (store: ManifestStore): StepMarkers => ({ isDone: () => false, markDone: (s, f) => store.markDone(s, f) });

function closingLines(cfg: PrefixConfig, o: SetupRun): void {
  const emerge = wrapperName('emerge', cfg);
  o.log.info(o.configOnly
    ? `Done: config and wrappers of prefix ${cfg.name} written.`
    : `Done. Use '${emerge}' to emerge packages into the prefix; the final root is ${cfg.finalRoot}.`);
  const others = PORTAGE_TOOLS.filter((t) => t !== 'emerge').map((t) => `${t}-`).join(', ');
  o.log.info(`Wrappers in ${cfg.wrapperDir}: ${emerge} and ${others}prefix-${cfg.name}-${cfg.board}`);
  if (!cfg.host.path.includes(cfg.wrapperDir)) o.log.info(`${cfg.wrapperDir} is not on your PATH; add it with: export PATH="${cfg.wrapperDir}:$PATH"`);
}
