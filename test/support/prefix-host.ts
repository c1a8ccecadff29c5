import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeScriptsRoot, type ScriptsRoot } from './scripts-root.js';

const REPO = resolve(import.meta.dirname, '../..');

export interface Call { tool: string; argv: string[]; env: Record<string, string>; cwd: string }
export interface Result { status: number | null; stdout: string; stderr: string }

/**
 * A scratch host for setup_prefix: a scripts root, a /build stand-in, and the real /usr seen
 * through an overlay whose upper layer is a temp dir, mounted in a private mount namespace for
 * each command. The real /usr is never written; the upper layer shows exactly what changed.
 */
export class PrefixHost {
  readonly sr: ScriptsRoot;
  readonly base = mkdtempSync(join(tmpdir(), 'prefixkit-host-'));
  readonly upper = join(this.base, 'usr-upper');
  readonly build = join(this.base, 'build');
  readonly fakeLog = join(this.base, 'fake-calls.jsonl');
  private readonly work = join(this.base, 'usr-work');

  constructor(readonly env: Record<string, string> = {}) {
    this.sr = makeScriptsRoot();
    for (const d of [this.upper, this.work, this.build]) mkdirSync(d);
  }

  /** Runs `setup_prefix ARGS` (or `prefixkit ARGS` with bin='prefixkit') in the scripts root. */
  cli(args: readonly string[], env: Record<string, string> = {}, bin = 'setup_prefix'): Result {
    const mountUsr = 'mount -t overlay overlay -o "lowerdir=/usr,upperdir=$0,workdir=$1" /usr && shift 2 && exec "$@"';
    return this.spawn('unshare', ['-m', '--propagation', 'private', 'bash', '-c', mountUsr, this.upper, this.work,
      process.execPath, join(REPO, 'bin', `${bin}.js`), ...args], env);
  }

  /** Runs a generated wrapper the way a user would: by name, from the wrapper dir on PATH. */
  wrapper(name: string, args: readonly string[], env: Record<string, string> = {}): Result {
    return this.spawn(join(this.sr.dir, 'wrappers', name), args, env);
  }

  /** The fakes' calls since the last look, oldest first. */
  calls(): Call[] {
    if (!existsSync(this.fakeLog)) return [];
    const lines = readFileSync(this.fakeLog, 'utf8').split('\n').filter(Boolean);
    rmSync(this.fakeLog);
    return lines.map((l) => JSON.parse(l) as Call);
  }

  cleanup(): void {
    rmSync(this.base, { recursive: true, force: true });
    rmSync(this.sr.dir, { recursive: true, force: true });
  }

  private spawn(file: string, args: readonly string[], env: Record<string, string>): Result {
    const r = spawnSync(file, args, {
      cwd: this.sr.dir, encoding: 'utf8', timeout: 60_000,
      env: { ...process.env, PATH: `${this.sr.fakeBin}:${process.env.PATH}`, PREFIXKIT_FAKE_LOG: this.fakeLog, FORCE_COLOR: '0', ...this.env, ...env },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }
}
