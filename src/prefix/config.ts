import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { UsageError } from '../util/errors.js';
import { BOARDS, BOARD_NAMES, isBoard, type Board } from './boards.js';
import type { HostFacts } from './host.js';
import { findPrefixProfile, findRepos, type PrefixRepos } from './repos.js';
import { checkEprefix, checkName, checkPrefixDirs, checkSafePath } from './validate.js';

/** setup_prefix's arguments as yargs hands them over (Flatcar's flag names). */
export interface PrefixArgs {
  readonly name?: string;
  readonly eprefix?: string;
  readonly board?: string;
  readonly scripts_root?: string;
  readonly staging_dir?: string;
  readonly final_dir?: string;
  readonly cross_boss_root?: string;
  readonly repos_dir?: string;
  readonly custom_ebuild_overlays?: string;
  readonly profile?: string;
  readonly wrapper_dir?: string;
  readonly distdir?: string;
}

/** The flags a prefix was set up with, made absolute: a later run reuses them (no flags to repeat). */
export type PrefixSettings = Omit<PrefixArgs, 'name' | 'eprefix'>;

/** Everything a prefix is, resolved and validated once; inner code trusts it. */
export interface PrefixConfig {
  readonly settings: PrefixSettings;
  readonly name: string;
  readonly eprefix: string;
  readonly board: Board;
  readonly chost: string;
  readonly arch: string;
  readonly keywords: string;
  readonly scriptsRoot: string;
  readonly stagingDir: string;
  readonly stagingRoot: string;
  readonly finalDir: string;
  readonly finalRoot: string;
  /** Shared: staging writes binary packages here, final installs from them. */
  readonly pkgdir: string;
  readonly crossBossRoot: string;
  readonly repos: PrefixRepos;
  readonly profile: string;
  readonly wrapperDir: string;
  readonly distdir: string;
  readonly jobs: number;
  /** Where prefixkit keeps this prefix's manifest and host-file backups. */
  readonly stateDir: string;
  readonly host: HostFacts;
  readonly warnings: readonly string[];
}

export async function resolvePrefixConfig(args: PrefixArgs, host: HostFacts, cwd: string): Promise<PrefixConfig> {
  const name = required(args.name, 'prefix name');
  checkName(name);
  const eprefix = required(args.eprefix, 'prefix path (EPREFIX)');
  const warning = checkEprefix(eprefix);
  const scriptsRoot = resolve(cwd, args.scripts_root ?? '.');
  const board = resolveBoard(args.board, scriptsRoot);
  const { chost, arch, keywords } = BOARDS[board];
  const dir = (flag: string | undefined, fallback: string) => resolve(cwd, flag ?? fallback);
  const stagingDir = dir(args.staging_dir, `/build/prefix-${board}/${name}`);
  const finalDir = dir(args.final_dir, join(scriptsRoot, '__prefix__', board, name));
  checkPrefixDirs(stagingDir, finalDir);
  const crossBossRoot = dir(args.cross_boss_root, join(scriptsRoot, 'cross-boss'));
  checkCrossBoss(crossBossRoot);
  const overlays = (args.custom_ebuild_overlays ?? '').split(',').filter(Boolean).map((o) => resolve(cwd, o));
  const repos = await findRepos(dir(args.repos_dir, join(scriptsRoot, 'repos')), overlays);
  const profile = args.profile ? resolveProfile(args.profile, repos) : await findPrefixProfile(repos.main, arch);
  const wrapperDir = dir(args.wrapper_dir, join(scriptsRoot, 'wrappers'));
  const distdir = dir(args.distdir, host.distdir ?? join(scriptsRoot, '.cache', 'distfiles'));
  for (const [what, path] of Object.entries({ scriptsRoot, crossBossRoot, profile, wrapperDir, distdir })) checkSafePath(what, path);
  for (const repo of [repos.main, repos.flatcar, repos.prefix, ...repos.custom]) checkSafePath(`repo ${repo.name}`, repo.location);
  return {
    settings: explicitSettings(args, cwd), name, eprefix, board, chost, arch, keywords, scriptsRoot,
    stagingDir, stagingRoot: join(stagingDir, 'root'), finalDir, finalRoot: join(finalDir, 'root'),
    pkgdir: join(stagingDir, 'pkgs'), crossBossRoot, repos, profile, wrapperDir, distdir, jobs: host.cpus,
    stateDir: stateDirFor(scriptsRoot, board, name), host, warnings: warning ? [warning] : [],
  };
}

const PATH_FLAGS = ['scripts_root', 'staging_dir', 'final_dir', 'cross_boss_root', 'repos_dir', 'wrapper_dir', 'distdir'] as const;
/** Every flag that is part of a prefix's settings. */
export const SETTING_FLAGS: readonly string[] = [...PATH_FLAGS, 'board', 'profile', 'custom_ebuild_overlays'];

/** The flags given, with paths made absolute; defaults are left out, to be derived anew each time. */
function explicitSettings(args: PrefixArgs, cwd: string): PrefixSettings {
  const settings: Record<string, string> = {};
  for (const flag of PATH_FLAGS) if (args[flag]) settings[flag] = resolve(cwd, args[flag]);
  // --profile stays as given: a relative one names a profile of the main repo.
  for (const flag of ['board', 'profile'] as const) if (args[flag]) settings[flag] = args[flag];
  const overlays = (args.custom_ebuild_overlays ?? '').split(',').filter(Boolean);
  if (overlays.length) settings.custom_ebuild_overlays = overlays.map((o) => resolve(cwd, o)).join(',');
  return settings;
}

/** Where prefixkit keeps a prefix's manifest and host-file backups. */
export const stateDirFor = (scriptsRoot: string, board: string, name: string): string =>
  join(scriptsRoot, '__prefix__', '.prefixkit', board, name);

export function resolveBoard(flag: string | undefined, scriptsRoot: string): Board {
  const file = join(scriptsRoot, '.default_board');
  const board = flag ?? (existsSync(file) ? readFileSync(file, 'utf8').trim() : 'amd64-usr');
  if (!isBoard(board)) {
    const from = flag ? '--board' : file;
    throw new UsageError(`unknown board "${board}" (from ${from}): known boards are ${BOARD_NAMES.join(', ')}`);
  }
  return board;
}

function required(value: string | undefined, what: string): string {
  if (!value) throw new UsageError(`missing ${what}: usage is setup_prefix [flags] <name> <eprefix>, e.g. setup_prefix python /usr/local/python`);
  return value;
}

function checkCrossBoss(root: string): void {
  const tool = join(root, 'bin', 'cb-bootstrap');
  if (!existsSync(tool))
    throw new UsageError(`cross-boss not found: no ${tool}; clone it (git clone https://github.com/chewi/cross-boss) there or pass --cross_boss_root`);
}

/** --profile is a directory, or a path relative to the main repo's profiles/ (as in profiles.desc). */
function resolveProfile(profile: string, repos: PrefixRepos): string {
  const path = isAbsolute(profile) ? profile : join(repos.main.location, 'profiles', profile);
  if (!existsSync(path)) throw new UsageError(`--profile "${profile}": no such profile directory ${path}`);
  return path;
}
