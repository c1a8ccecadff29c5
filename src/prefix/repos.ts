import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../util/errors.js';

/** An ebuild repository as repos.conf names it. */
export interface Repo {
  readonly name: string;
  readonly location: string;
  readonly priority?: number;
}

/** The repository directories of a Flatcar scripts checkout, in the order repos.conf lists them. */
export const REPO_DIRS = { main: 'gentoo-subset', flatcar: 'flatcar-overlay', prefix: 'prefix-overlay' } as const;

export interface PrefixRepos {
  readonly main: Repo;
  readonly flatcar: Repo;
  /** prefix-overlay wins over both: it carries the prefix-capable versions of their packages. */
  readonly prefix: Repo;
  readonly custom: readonly Repo[];
}

export async function findRepos(reposDir: string, customOverlays: readonly string[]): Promise<PrefixRepos> {
  // One after the other, so that the error names the first missing repo, every time.
  const at = (key: keyof typeof REPO_DIRS) => readRepo(join(reposDir, REPO_DIRS[key]), `--repos_dir "${reposDir}"`);
  const main = await at('main');
  const flatcar = await at('flatcar');
  const prefix = await at('prefix');
  const custom: Repo[] = [];
  for (const dir of customOverlays) custom.push(await readRepo(dir, '--custom_ebuild_overlays'));
  const names = new Map<string, string>();
  for (const repo of [main, flatcar, prefix, ...custom]) {
    const other = names.get(repo.name);
    if (other) throw new UsageError(`repositories "${other}" and "${repo.location}" are both named "${repo.name}": each repo needs its own profiles/repo_name`);
    names.set(repo.name, repo.location);
  }
  return { main, flatcar, prefix: { ...prefix, priority: 1000 }, custom };
}

/** A repo's name comes from the repo itself (profiles/repo_name), never from a table that can go stale. */
export async function readRepo(location: string, from: string): Promise<Repo> {
  const file = join(location, 'profiles', 'repo_name');
  let name: string;
  try {
    name = (await readFile(file, 'utf8')).trim();
  } catch {
    const what = existsSync(location) ? `has no ${file}` : 'does not exist';
    throw new UsageError(`repository "${location}" (from ${from}) ${what}: point the flag at an ebuild repository`);
  }
  if (!/^[A-Za-z0-9_][A-Za-z0-9_-]*$/.test(name)) throw new UsageError(`${file} holds an invalid repo name "${name}"`);
  return { name, location };
}

/**
 * The newest non-deprecated prefix profile for an arch, as Flatcar uses it:
 * default/linux/<arch>/<version>/.../prefix/kernel-3.2+ (23.0 before 17.1). Among equal
 * versions the least specialised path wins (no-multilib before split-usr/no-multilib).
 */
export async function findPrefixProfile(main: Repo, arch: string): Promise<string> {
  const base = join(main.location, 'profiles', 'default', 'linux', arch);
  const found: { path: string; version: number[]; depth: number }[] = [];
  const walk = async (dir: string, rel: string[]): Promise<void> => {
    if (rel.length > 5) return;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    if (rel.at(-2) === 'prefix' && rel.at(-1) === 'kernel-3.2+' && !entries.some((e) => e.name === 'deprecated')) {
      found.push({ path: dir, version: rel[0]!.split('.').map(Number), depth: rel.length });
    }
    await Promise.all(entries.filter((e) => e.isDirectory()).map((e) => walk(join(dir, e.name), [...rel, e.name])));
  };
  await walk(base, []);
  const best = found.filter((f) => f.version.every(Number.isFinite)).sort(
    (a, b) => compareVersions(b.version, a.version) || a.depth - b.depth || a.path.localeCompare(b.path))[0];
  if (!best)
    throw new UsageError(`no usable prefix profile (default/linux/${arch}/<version>/.../prefix/kernel-3.2+, not deprecated) in ${main.location}: pass --profile`);
  return best.path;
}

function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d) return d;
  }
  return 0;
}
