import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { EPREFIX, Lab, locatePortage, ok, REPO, type Result } from './lab.js';

export type Role = 'staging' | 'final';

export const BOARD = 'amd64-usr';
export const CHOST = 'x86_64-cros-linux-gnu';

/**
 * A prefix made by the real `setup_prefix --config_only` inside a lab, and the ways to point real
 * Portage at its roots: exactly as prefixkit does (EPREFIX, ROOT, PORTAGE_CONFIGROOT=<root><EPREFIX>).
 */
export class Prefix {
  readonly eprefix = EPREFIX;
  readonly stagingDir: string;
  readonly finalDir: string;
  readonly wrapperDir: string;

  constructor(readonly lab: Lab, readonly name: string) {
    this.stagingDir = join(lab.base, name, 'staging');
    this.finalDir = join(lab.base, name, 'final');
    this.wrapperDir = join(lab.base, name, 'wrappers');
  }

  /** setup_prefix's options for this prefix (Flatcar's flag names), as yargs hands them over. */
  get args(): { name: string; eprefix: string; scripts_root: string; staging_dir: string; final_dir: string; wrapper_dir: string; board: string } {
    return { name: this.name, eprefix: this.eprefix, scripts_root: this.lab.scripts, staging_dir: this.stagingDir,
      final_dir: this.finalDir, wrapper_dir: this.wrapperDir, board: BOARD };
  }

  /** The same as command-line flags. */
  get flags(): string[] {
    const { name: _n, eprefix: _e, ...flags } = this.args;
    return Object.entries(flags).flatMap(([k, v]) => [`--${k}`, v]);
  }

  /** Runs the real prefixkit CLI: `setup_prefix --config_only <flags> <name> <EPREFIX>`. */
  setup(): Result {
    const cli = join(REPO, 'dist', 'cli', 'main.js');
    if (!existsSync(cli)) throw new Error(`${cli} is missing: build prefixkit first (npm run build; npm run test:portage does it)`);
    return ok(this.lab.run([process.execPath, join(REPO, 'bin', 'setup_prefix.js'), '--config_only', ...this.flags, this.name, this.eprefix]), 'setup_prefix --config_only');
  }

  root(role: Role): string {
    return join(role === 'staging' ? this.stagingDir : this.finalDir, 'root');
  }

  /** <root><EPREFIX>: Portage's EROOT, where the vdb and the config live. */
  eroot(role: Role): string {
    return this.root(role) + this.eprefix;
  }

  get pkgdir(): string {
    return join(this.stagingDir, 'pkgs');
  }

  /** The environment prefixkit gives Portage for a root (the wrappers' in_staging/in_final, gcclibs.ts). */
  rootEnv(role: Role): Record<string, string> {
    return { EPREFIX: this.eprefix, ROOT: this.root(role), PORTAGE_CONFIGROOT: this.eroot(role), ...(role === 'staging' ? { SYSROOT: this.root(role) } : {}) };
  }

  /** Runs a Portage tool on a root, with the environment prefixkit uses. */
  portage(role: Role, argv: readonly string[], extra: Record<string, string> = {}): Result {
    return this.lab.run(argv, { ...this.rootEnv(role), ...extra });
  }

  /** `portageq envvar NAME…` on a root, as name -> value. */
  envvars(role: Role, names: readonly string[]): Record<string, string> {
    const r = ok(this.portage(role, ['portageq', 'envvar', '-v', ...names]), `portageq envvar in ${role}`);
    // Lines are NAME=<value quoted like Python's shlex.quote>.
    return Object.fromEntries(r.stdout.split('\n').filter(Boolean).map((l) => {
      const m = /^(\w+)=(.*)$/.exec(l);
      if (!m) throw new Error(`unexpected portageq envvar -v line: ${l}`);
      const v = m[2]!;
      return [m[1]!, v.startsWith("'") ? v.slice(1, -1).replaceAll(`'"'"'`, "'") : v];
    }));
  }

  wrapper(tool: string): string {
    return join(this.wrapperDir, `${tool}-prefix-${this.name}-${BOARD}`);
  }

  /** Runs a generated wrapper by path, as a user would. */
  runWrapper(tool: string, args: readonly string[], extra: Record<string, string> = {}): Result {
    return this.lab.run([this.wrapper(tool), ...args], extra);
  }

  /** Installed packages of a root, from its vdb (<root><EPREFIX>/var/db/pkg), as cat/pf. */
  installed(role: Role): string[] {
    return vdb(join(this.eroot(role), 'var/db/pkg'));
  }

  /** Binary packages in the shared PKGDIR, as paths relative to it (no index files). */
  binpkgs(): string[] {
    const out: string[] = [];
    const walk = (dir: string, rel: string): void => {
      if (!existsSync(dir)) return;
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name), join(rel, e.name));
        else if (/\.(gpkg\.tar|tbz2|xpak)$/.test(e.name)) out.push(join(rel, e.name));
      }
    };
    walk(this.pkgdir, '');
    return out.sort();
  }
}

/** cat/pf of every package in a vdb directory. */
export function vdb(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((c) => !c.startsWith('.')).flatMap((cat) =>
    readdirSync(join(dir, cat)).filter((pf) => !pf.startsWith('-MERGING-')).map((pf) => `${cat}/${pf}`)).sort();
}

/**
 * A test file's lab and prefix, both made on first use. Without a usable Portage every test of
 * the file fails with the one-line reason (never a skip).
 */
export function lazyLab(): { lab: () => Lab; prefix: () => Prefix; cleanup: () => void } {
  const portage = locatePortage();
  let lab: Lab | undefined;
  let prefix: Prefix | undefined;
  const getLab = (): Lab => {
    if (!portage.ok) throw new Error(portage.message);
    return (lab ??= new Lab(portage.src));
  };
  const getPrefix = (): Prefix => {
    if (!prefix) {
      prefix = new Prefix(getLab(), 'pkt');
      prefix.setup();
    }
    return prefix;
  };
  return { lab: getLab, prefix: getPrefix, cleanup: () => lab?.cleanup() };
}
