import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The prefixkit checkout these tests belong to. */
export const REPO = resolve(import.meta.dirname, '../../..');
const FIXTURE = resolve(import.meta.dirname, '../fixture');

/** Portage's programs the tests put on PATH, each running `python3 $PORTAGE_SRC/bin/<tool>`. */
export const PORTAGE_TOOLS = ['emerge', 'ebuild', 'portageq', 'emaint', 'quickpkg', 'egencache', 'env-update'] as const;

/**
 * Host paths a Portage run could write to when it is pointed at the wrong place. They are checked
 * before and after; besides, every command runs with /usr, /etc and /var behind throw-away overlays.
 */
export const HOST_PATHS = [
  '/etc/portage', '/var/db/pkg', '/var/db/repos', '/var/cache/binpkgs', '/var/cache/distfiles', '/var/cache/edb',
  '/var/lib/portage', '/var/tmp/portage', '/var/log/emerge.log', '/var/log/emerge-fetch.log', '/var/log/portage',
  '/usr/share/portage', '/usr/lib/portage', '/usr/x86_64-cros-linux-gnu', '/usr/aarch64-cros-linux-gnu',
  '/usr/bin/prefixkit-buildtool', '/run/portage',
];

/** The prefix's EPREFIX: it exists only inside the roots (and is checked to stay absent on the host). */
export const EPREFIX = '/usr/local/prefixkit-portage-test';

export type Located = { readonly ok: true; readonly src: string } | { readonly ok: false; readonly message: string };

/**
 * Finds the Portage source checkout named by PORTAGE_SRC and the rest these tests need. Never
 * throws: a test turns a failure into its one-line message, so a missing Portage fails the suite.
 */
export function locatePortage(env: NodeJS.ProcessEnv = process.env): Located {
  const fail = (message: string): Located => ({ ok: false, message });
  const src = env.PORTAGE_SRC;
  if (!src)
    return fail('PORTAGE_SRC is not set: point it at a gentoo/portage source checkout, e.g. `PORTAGE_SRC=/path/to/portage npm run test:portage` (see test/portage/README.md)');
  const abs = resolve(src);
  const needed = ['bin/emerge', 'bin/portageq', 'bin/ebuild', 'bin/emaint', 'lib/portage/__init__.py', 'cnf/make.globals', 'cnf/sets/portage.conf'];
  const missing = needed.filter((f) => !existsSync(join(abs, f)));
  if (missing.length)
    return fail(`PORTAGE_SRC=${src} is not a Portage source checkout (no ${missing.join(', ')}): clone or unpack gentoo/portage and point PORTAGE_SRC at its top directory`);
  if (process.getuid?.() !== 0) return fail('the Portage tests run Portage and the prefix wrappers as root: run them as root');
  for (const [tool, pkg] of [['python3', 'python3'], ['unshare', 'util-linux'], ['tar', 'tar'], ['zstd', 'zstd']] as const) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return fail(`${tool} is not installed (Debian package ${pkg}): Portage needs it`);
  }
  return { ok: true, src: abs };
}

export interface Result { readonly status: number | null; readonly stdout: string; readonly stderr: string; readonly argv: readonly string[] }

/** Noise every Portage run prints because Portage's built-in repos.conf names ::gentoo at /var/db/repos/gentoo. */
const GENTOO_NOISE = [
  /^!!! Section 'gentoo' in repos\.conf has location attribute set to nonexistent directory: '\/var\/db\/repos\/gentoo'$/,
  /^!!! Repository 'gentoo' is missing masters attribute in '\/var\/db\/repos\/gentoo\/metadata\/layout\.conf'$/,
  /^!!! Set 'masters = portage-stable' in this file for future compatibility$/,
  /^!!! Invalid Repository Location \(not a dir\): '\/var\/db\/repos\/gentoo'$/,
  /^WARNING: One or more repositories have missing repo_name entries:$/,
  /^\s*\/var\/db\/repos\/gentoo\/profiles\/repo_name$/,
  /^NOTE: Each repo_name entry should be a plain text file containing a$/,
  /^unique name for the repository on the first line\.$/,
];

/** Output lines without the ::gentoo noise and blank lines; ANSI colours removed. */
export function meaningful(text: string): string[] {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '').split('\n').filter((l) => l.trim() && !GENTOO_NOISE.some((re) => re.test(l)));
}

/** Portage's error lines ("!!! ..."), other than the ::gentoo noise. */
export const portageErrors = (r: Result): string[] => meaningful(`${r.stdout}\n${r.stderr}`).filter((l) => l.startsWith('!!!'));

/** Throws with the command and the end of its output unless it exited 0. */
export function ok(r: Result, what = r.argv.join(' ')): Result {
  if (r.status !== 0) throw new Error(`${what} exited ${r.status}:\n${tail(r)}`);
  return r;
}

/** Throws unless the command failed (exited neither 0 nor by a signal). */
export function failed(r: Result, what = r.argv.join(' ')): Result {
  if (r.status === 0 || r.status === null) throw new Error(`${what} was expected to fail but exited ${r.status}:\n${tail(r)}`);
  return r;
}

export const tail = (r: Result, n = 40): string => meaningful(`${r.stdout}\n${r.stderr}`).slice(-n).join('\n');

// Runs "$@" with /usr, /etc and /var behind overlays whose upper layers live in the lab: whatever a
// command writes there lands in the lab, and Lab.hostWrites() lists it. Private mount namespace,
// so the overlays vanish with the command.
const GUARD = `g=$1; shift
for d in usr etc var; do
	mkdir -p "$g/$d.upper" "$g/$d.work" &&
	mount -t overlay overlay -o "lowerdir=/$d,upperdir=$g/$d.upper,workdir=$g/$d.work" "/$d" ||
	{ echo "prefixkit portage tests: cannot put an overlay over /$d" >&2; exit 125; }
done
exec "$@"`;

/**
 * A scratch world for running real Portage: a fake SDK (PORTAGE_OVERRIDE_EPREFIX) with its own
 * etc/portage, a bin dir with Portage's tools, a scripts root with the fixture repos and the
 * cross-boss stand-in, and the host guard.
 */
export class Lab {
  readonly base = mkdtempSync(join(tmpdir(), 'prefixkit-portage-'));
  readonly sdk = join(this.base, 'sdk');
  readonly bin = join(this.base, 'bin');
  readonly scripts = join(this.base, 'scripts');
  readonly guard = join(this.base, 'host-guard');
  readonly mainRepo = join(this.scripts, 'repos', 'gentoo-subset');
  private readonly hostBefore = hostState();

  constructor(readonly portageSrc: string) {
    cpSync(join(FIXTURE, 'repos'), join(this.scripts, 'repos'), { recursive: true });
    cpSync(join(FIXTURE, 'cross-boss'), join(this.scripts, 'cross-boss'), { recursive: true });
    chmodSync(join(this.scripts, 'cross-boss', 'bin', 'cb-bootstrap'), 0o755);
    this.makeBin();
    this.makeSdk();
    mkdirSync(this.guard);
  }

  /** The environment every command gets: Portage's tools first on PATH, the fake SDK as Portage's own prefix. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !PREFIX_VARS.includes(k)) env[k] = v;
    return {
      ...env,
      PATH: `${this.bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      PORTAGE_OVERRIDE_EPREFIX: this.sdk,
      // Debian has no portage/sdk user and no sandbox.
      PORTAGE_USERNAME: 'root', PORTAGE_GRPNAME: 'root', FEATURES: '-sandbox -usersandbox',
      // Python's bytecode goes here, not into the Portage checkout or /usr.
      PYTHONPYCACHEPREFIX: join(tmpdir(), 'prefixkit-portage-pycache'),
      NOCOLOR: 'true', FORCE_COLOR: '0', LC_ALL: 'C.UTF-8',
      ...extra,
    };
  }

  /** Runs a command behind the host guard, with env() plus `extra`. */
  run(argv: readonly string[], extra: Record<string, string> = {}, timeout = 240_000): Result {
    const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'bash', '-c', GUARD, 'host-guard', this.guard, ...argv], {
      cwd: this.base, env: this.env(extra), encoding: 'utf8', timeout, maxBuffer: 64 << 20,
    });
    if (r.error) throw r.error;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, argv };
  }

  /** Files the commands wrote to /usr, /etc or /var (caught by the guard's overlays), as paths. */
  hostWrites(): string[] {
    const out: string[] = [];
    const walk = (dir: string, shown: string): void => {
      for (const e of readdirSync(dir)) {
        const p = join(dir, e);
        out.push(join(shown, e));
        if (lstatSync(p).isDirectory()) walk(p, join(shown, e));
      }
    };
    for (const d of ['usr', 'etc', 'var']) if (existsSync(join(this.guard, `${d}.upper`))) walk(join(this.guard, `${d}.upper`), `/${d}`);
    return out;
  }

  /** Host paths from HOST_PATHS whose existence or type changed since the lab was made. */
  hostChanges(): string[] {
    const now = hostState();
    return [...HOST_PATHS, EPREFIX].filter((p) => now[p] !== this.hostBefore[p]).map((p) => `${p}: ${this.hostBefore[p]} -> ${now[p]}`);
  }

  cleanup(): void {
    if (process.env.PREFIXKIT_KEEP) return void console.error(`prefixkit portage tests: kept ${this.base}`);
    rmSync(this.base, { recursive: true, force: true });
  }

  private makeBin(): void {
    mkdirSync(this.bin);
    for (const tool of PORTAGE_TOOLS) {
      writeFileSync(join(this.bin, tool), `#!/bin/sh\nexec python3 ${this.portageSrc}/bin/${tool} "$@"\n`, { mode: 0o755 });
    }
    // xpak binary packages are written with gtar.
    const tar = spawnSync('sh', ['-c', 'command -v tar'], { encoding: 'utf8' }).stdout.trim();
    symlinkSync(tar, join(this.bin, 'gtar'));
  }

  /** The build host's Portage config, as in the SDK: a plain (non-prefix) profile and the main repo. */
  private makeSdk(): void {
    const w = (rel: string, content: string) => {
      mkdirSync(dirname(join(this.sdk, rel)), { recursive: true });
      writeFileSync(join(this.sdk, rel), content);
    };
    w('etc/portage/make.conf', [
      '# The fake SDK: the build host of the prefix tests (PORTAGE_OVERRIDE_EPREFIX).',
      `PKGDIR="${this.sdk}/var/cache/binpkgs"`,
      `DISTDIR="${this.sdk}/var/cache/distfiles"`,
      `PORTAGE_TMPDIR="${this.sdk}/var/tmp"`,
      'MAKEOPTS="--jobs=2"',
      '# The build host config gets none of the caller\'s environment when ROOT is not /: no sandbox on Debian.',
      'FEATURES="-sandbox -usersandbox"',
      '',
    ].join('\n'));
    w('etc/portage/repos.conf/sdk.conf', `[DEFAULT]\nmain-repo = portage-stable\n\n[portage-stable]\nlocation = ${this.mainRepo}\n`);
    symlinkSync(join(this.mainRepo, 'profiles/default/linux/amd64/23.0/no-multilib'), join(this.sdk, 'etc/portage/make.profile'));
    mkdirSync(join(this.sdk, 'usr/share/portage/config'), { recursive: true });
    symlinkSync(join(this.portageSrc, 'cnf', 'sets'), join(this.sdk, 'usr/share/portage/config/sets'));
  }
}

const PREFIX_VARS = ['ROOT', 'SYSROOT', 'PORTAGE_CONFIGROOT', 'EPREFIX', 'BROOT', 'PORTAGE_OVERRIDE_EPREFIX', 'PORTAGE_REPOSITORIES',
  'PKGDIR', 'PORTAGE_TMPDIR', 'DISTDIR', 'FEATURES', 'USE', 'EMERGE_DEFAULT_OPTS', 'BINPKG_FORMAT', 'PORTAGE_BINHOST', 'CHOST', 'CBUILD',
  // Without bytecode, every one of Portage's many Python processes compiles its modules anew: 3x slower.
  'PYTHONDONTWRITEBYTECODE'];

function hostState(): Record<string, string> {
  return Object.fromEntries([...HOST_PATHS, EPREFIX].map((p) => {
    try {
      const st = lstatSync(p);
      return [p, `${st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'link' : 'file'} modified ${st.mtime.toISOString()}`];
    } catch {
      return [p, 'absent'];
    }
  }));
}
