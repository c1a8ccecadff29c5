import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { PrefixCommandArgs } from '../cli/prefix.js';
import { UsageError } from '../util/errors.js';
import { Log } from '../util/log.js';
import { formatPlan, planJson, type Plan } from '../util/plan.js';
import { resolveBoard, resolvePrefixConfig, SETTING_FLAGS, stateDirFor, type PrefixArgs } from './config.js';
import { probeHost } from './host.js';
import { listManifests, loadManifest, type Manifest } from './manifest.js';
import { planSetup } from './plan.js';
import { setupPrefix } from './setup.js';
import { otherPrefixes, planUninstall, uninstallPrefix } from './uninstall.js';

/** setup_prefix: validate, then print the plan (--dry-run) or carry it out. */
export async function prefixSetupCommand(argv: PrefixCommandArgs, cwd: string): Promise<void> {
  const log = new Log(argv.quiet);
  if (argv.uninstall) {
    const m = await findPrefix(resolve(cwd, argv.scripts_root ?? '.'), argv.name!, argv.board);
    if (argv.dry_run) return printPlan(planUninstall(m, await otherPrefixes(m)), argv.json);
    if (!asRoot()) return;
    await uninstallPrefix(m, log);
    return log.info(`Removed prefix ${m.name} (${m.board}).`);
  }
  const host = await probeHost();
  const cfg = await resolvePrefixConfig(await withRecordedSettings(argv, cwd), host, cwd);
  if (argv.dry_run) {
    const never = async () => { throw new Error('a dry run records nothing'); };
    return printPlan(planSetup(cfg, { recordHost: never, addWrapper: never }, { configOnly: argv.config_only }), argv.json);
  }
  if (!asRoot()) return;
  await setupPrefix(cfg, { force: argv.force, configOnly: argv.config_only, log });
}

export async function prefixListCommand(argv: { scripts_root?: string; json: boolean }, cwd: string): Promise<void> {
  const all = await listManifests(resolve(cwd, argv.scripts_root ?? '.'));
  if (argv.json) return void process.stdout.write(`${JSON.stringify(all.map(summary), null, 2)}\n`);
  if (!all.length) return void process.stdout.write('No prefixes (setup_prefix creates one).\n');
  const rows = [['NAME', 'BOARD', 'EPREFIX', 'STATUS', 'FINAL ROOT'], ...all.map((m) => [m.name, m.board, m.eprefix, m.status, m.finalRoot])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  process.stdout.write(rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n');
}

const summary = (m: Manifest) => ({ name: m.name, board: m.board, eprefix: m.eprefix, status: m.status, stagingDir: m.stagingDir, finalDir: m.finalDir, wrapperDir: m.wrapperDir });

/**
 * An existing prefix is set up again (--config_only, a resumed run, --force) with the flags it was
 * created with; flags given now win. The EPREFIX may then be left out too.
 */
async function withRecordedSettings(argv: PrefixCommandArgs, cwd: string): Promise<PrefixArgs> {
  const scriptsRoot = resolve(cwd, argv.scripts_root ?? '.');
  const known = argv.name ? await loadManifest(stateDirFor(scriptsRoot, resolveBoard(argv.board, scriptsRoot), argv.name)) : undefined;
  if (!known) return argv;
  const given = Object.fromEntries(Object.entries(argv).filter(([k, v]) => v !== undefined && SETTING_FLAGS.includes(k)));
  return { ...known.settings, ...given, name: argv.name, eprefix: argv.eprefix ?? known.eprefix };
}

/**
 * A prefix by name under a scripts root (--uninstall NAME, sysext bake --prefix NAME): the
 * manifest knows the rest. The board is needed only when the name exists for several.
 */
export async function findPrefix(scriptsRoot: string, name: string, board?: string): Promise<Manifest> {
  if (board) {
    const m = await loadManifest(stateDirFor(scriptsRoot, resolveBoard(board, scriptsRoot), name));
    if (m) return m;
  }
  const found = (await listManifests(scriptsRoot)).filter((m) => m.name === name && (!board || m.board === board));
  if (found.length === 1) return found[0]!;
  if (found.length > 1) throw new UsageError(`prefix ${name} exists for boards ${found.map((m) => m.board).join(', ')}: pass --board`);
  throw new UsageError(`no prefix named ${name}${board ? ` for ${board}` : ''} under ${scriptsRoot} (see \`prefixkit prefix list --scripts_root ${scriptsRoot}\`)`);
}

function printPlan(plan: Plan, json: boolean): void {
  process.stdout.write(json ? `${JSON.stringify(planJson(plan), null, 2)}\n` : formatPlan(plan));
}

/**
 * Setting up a prefix writes to /build, mounts and runs Portage: it needs root. Anyone else gets
 * the same command re-run through `sudo -E`. Returns false when that re-run has done the work.
 */
function asRoot(): boolean {
  if (process.getuid?.() === 0) return true;
  if (spawnSync('sudo', ['-n', 'true']).error) throw new UsageError('setup_prefix needs root: run it as root or install sudo');
  const r = spawnSync('sudo', ['-E', process.execPath, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exitCode = r.status ?? 1;
  return false;
}
