import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Failure } from '../util/errors.js';
import { pathState, writeAtomic, type PathState } from '../util/fs.js';
import type { StepMarkers } from '../util/plan.js';
import type { WrapperContext } from '../wrappers/tools.js';
import { stateDirFor, type PrefixSettings } from './config.js';

/** A host path prefixkit changed, and what was there before. */
export interface HostChange {
  readonly path: string;
  readonly before: PathState;
  /** A copy of the file as it was (relative to the state dir), for `before.type === 'file'`. */
  readonly backup?: string;
}

/**
 * Everything a prefix owns on the host. `--uninstall` acts on this alone: it restores each
 * host change and removes only what is recorded here.
 */
export interface Manifest extends WrapperContext {
  readonly version: 1;
  /** The flags it was set up with: --config_only, a resumed run or --force need not repeat them. */
  settings: PrefixSettings;
  readonly chost: string;
  readonly stagingDir: string;
  readonly finalDir: string;
  readonly scriptsRoot: string;
  /** Directory trees prefixkit created and owns whole (the staging and final dirs). */
  readonly trees: string[];
  /** Directories prefixkit created on the way (parents, wrapper dir): removed only when empty. */
  readonly dirs: string[];
  readonly wrappers: string[];
  readonly host: HostChange[];
  readonly steps: Record<string, string>;
  status: 'incomplete' | 'complete';
  readonly created: string;
}

export const manifestPath = (stateDir: string): string => join(stateDir, 'manifest.json');

export async function loadManifest(stateDir: string): Promise<Manifest | undefined> {
  try {
    return JSON.parse(await readFile(manifestPath(stateDir), 'utf8')) as Manifest;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Failure(`cannot read ${manifestPath(stateDir)}: ${(e as Error).message}`);
  }
}

/** Keeps a manifest on disk in step with what has been done: every change is saved before the next. */
export class ManifestStore implements StepMarkers {
  /** `others`: the other prefixes of this scripts root, which may share host paths with this one. */
  constructor(readonly stateDir: string, readonly m: Manifest, private readonly others: readonly Manifest[] = []) {}

  save(): Promise<void> {
    return writeAtomic(manifestPath(this.stateDir), `${JSON.stringify(this.m, null, 2)}\n`);
  }

  isDone(step: string, fingerprint: string): boolean {
    return this.m.steps[step] === fingerprint;
  }

  async markDone(step: string, fingerprint: string): Promise<void> {
    this.m.steps[step] = fingerprint;
    await this.save();
  }

  /**
   * Records a host path before it is first changed; later calls keep the original state. A path
   * another prefix already changed (the cross sysroot's profile link) gets that prefix's record:
   * the state before any prefix, which the last prefix to go puts back.
   */
  async recordHost(path: string): Promise<void> {
    if (this.m.host.some((h) => h.path === path)) return;
    const shared = sharedChange(this.others, path);
    const before = shared ? shared.change.before : await pathState(path);
    if (before.type === 'other') throw new Failure(`${path} is neither a file, a directory nor a symlink: prefixkit will not replace it`);
    let backup: string | undefined;
    if (before.type === 'file') {
      backup = join('backup', String(this.m.host.length));
      await mkdir(join(this.stateDir, 'backup'), { recursive: true });
      await copyFile(shared ? join(stateDirFor(shared.owner.scriptsRoot, shared.owner.board, shared.owner.name), shared.change.backup!) : path, join(this.stateDir, backup));
    }
    this.m.host.push({ path, before, ...(backup ? { backup } : {}) });
    await this.save();
  }

  async addWrapper(path: string): Promise<void> {
    if (!this.m.wrappers.includes(path)) this.m.wrappers.push(path);
    await this.save();
  }
}

/** The record of `path` in another prefix's manifest, if any. */
export function sharedChange(others: readonly Manifest[], path: string): { owner: Manifest; change: HostChange } | undefined {
  for (const owner of others) {
    const change = owner.host.find((h) => h.path === path);
    if (change) return { owner, change };
  }
  return undefined;
}

/** All manifests under a scripts root: the prefixes prefixkit knows. */
export async function listManifests(scriptsRoot: string): Promise<Manifest[]> {
  const base = join(scriptsRoot, '__prefix__', '.prefixkit');
  const found: Manifest[] = [];
  for (const board of await readdir(base).catch(() => [] as string[])) {
    for (const name of await readdir(join(base, board)).catch(() => [] as string[])) {
      const m = await loadManifest(join(base, board, name));
      if (m) found.push(m);
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name) || a.board.localeCompare(b.board));
}
