import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Action, Plan, Step } from '../util/plan.js';
import { renderWrappers, wrapperName } from '../wrappers/tools.js';
import type { PrefixConfig } from './config.js';
import { extractGccLibsStep } from './gcclibs.js';
import { portageFiles, reposConf, rootOf, type RootRole } from './portage.js';

/** What executing a setup plan needs from the manifest: recording before changing. */
export interface SetupRecorder {
  recordHost(path: string): Promise<void>;
  addWrapper(path: string): Promise<void>;
}

export interface SetupOptions {
  /** Only directories, Portage config and wrappers: no bootstrapping, no emerging. */
  readonly configOnly?: boolean;
}

/** setup_prefix as a plan of named steps, in Flatcar's order. Pure apart from reading the skel. */
export function planSetup(cfg: PrefixConfig, rec: SetupRecorder, o: SetupOptions = {}): Plan {
  const full = !o.configOnly;
  const steps: (Step | false)[] = [
    directoriesStep(cfg),
    portageConfigStep(cfg),
    full && cfg.host.portageHost && hostPrerequisitesStep(cfg),
    full && crossSysrootStep(cfg, rec),
    full && bootstrapStep(cfg, rec),
    full && extractGccLibsStep(cfg),
    wrappersStep(cfg, rec),
    full && finalInitStep(cfg),
  ];
  return {
    title: `prefix ${cfg.name} (${cfg.board}, EPREFIX ${cfg.eprefix})${o.configOnly ? ', config only' : ''}`,
    steps: steps.filter((s): s is Step => s !== false),
    notes: [
      ...(cfg.host.root ? [] : ['not running as root: setup_prefix runs itself again through sudo -E']),
      ...cfg.warnings, ...staleSkelNotes(cfg),
    ],
  };
}

/** The skel's Portage config, which prefix-overlay ships for both roots. */
export const skelDir = (cfg: PrefixConfig): string => join(cfg.repos.prefix.location, 'skel', 'etc', 'portage');

export const crossSysrootConfig = (cfg: PrefixConfig): string => join('/usr', cfg.chost, 'etc', 'portage');

function directoriesStep(cfg: PrefixConfig): Step {
  const dirs = [
    ...['logs', 'pkgs', 'tmp'].map((d) => join(cfg.stagingDir, d)),
    join(cfg.stagingRoot, cfg.eprefix, 'etc'),
    ...['logs', 'tmp'].map((d) => join(cfg.finalDir, d)),
    join(cfg.finalRoot, cfg.eprefix, 'etc'),
  ];
  return { name: 'directories', title: 'Creating the staging and final directories', actions: dirs.map((path) => ({ kind: 'mkdir', path })) };
}

function portageConfigStep(cfg: PrefixConfig): Step {
  const forRoot = (role: RootRole): Action[] => {
    const dir = join(rootOf(cfg, role), cfg.eprefix, 'etc', 'portage');
    const skel = skelDir(cfg);
    return [
      // The skel's repos.conf names repos and paths of an old SDK layout: prefixkit writes its own.
      ...(existsSync(skel) ? [{ kind: 'copy', from: skel, to: dir, exclude: ['repos.conf'] } as const] : []),
      ...portageFiles(cfg, role).map(([path, content]): Action => ({ kind: 'write', path, content })),
      { kind: 'symlink', path: join(dir, 'make.profile'), target: cfg.profile },
    ];
  };
  return { name: 'portage-config', title: 'Writing the Portage config of both roots', actions: [...forRoot('staging'), ...forRoot('final')] };
}

function hostPrerequisitesStep(cfg: PrefixConfig): Step {
  const log = join(cfg.stagingDir, 'logs', 'host-prerequisites.log');
  const emerge = (...args: string[]): Action =>
    ({ kind: 'run', argv: ['emerge', ...args], unset: HOST_ONLY, label: 'SDK prereqs', logFile: log });
  return {
    name: 'host-prerequisites', title: 'Installing what cross-boss needs on the host (bubblewrap, gpep517)', log, long: true,
    actions: [emerge('--newuse', 'sys-apps/bubblewrap'), emerge('--newuse', '--oneshot', '>=dev-python/gpep517-15')],
  };
}

// The host's own Portage must not be pointed at a prefix by the caller's environment.
const HOST_ONLY = ['ROOT', 'SYSROOT', 'PORTAGE_CONFIGROOT', 'EPREFIX'];

/**
 * Before set-sysroot, cb-bootstrap runs Portage with SYSROOT=/usr/<CHOST>, whose config must
 * see the prefix's repos. Only the board's CHOST is touched, and what was there is recorded.
 */
function crossSysrootStep(cfg: PrefixConfig, rec: SetupRecorder): Step {
  const dir = join(crossSysrootConfig(cfg), 'repos.conf');
  // One file per prefix: prefixes of the same board share the cross sysroot.
  const file = join(dir, `prefixkit-${cfg.name}.conf`);
  const chain = [join('/usr', cfg.chost, 'etc'), crossSysrootConfig(cfg), dir, file];
  return {
    name: 'cross-sysroot-repos', title: `Adding the prefix repos to the cross sysroot /usr/${cfg.chost}`,
    actions: [
      { kind: 'task', describe: `record ${chain.join(', ')} as they are, for --uninstall`, run: async () => { for (const p of chain) await rec.recordHost(p); } },
      { kind: 'mkdir', path: dir },
      { kind: 'write', path: file, content: reposConf(cfg) },
    ],
  };
}

function bootstrapStep(cfg: PrefixConfig, rec: SetupRecorder): Step {
  const log = join(cfg.stagingDir, 'logs', 'cb-bootstrap.log');
  const profileLink = join(crossSysrootConfig(cfg), 'make.profile');
  return {
    name: 'bootstrap-staging', title: `Bootstrapping the staging root ${cfg.stagingRoot} with cross-boss`, log, long: true,
    actions: [
      // cb-bootstrap re-points the cross sysroot's profile at the prefix's: remember the original.
      { kind: 'task', describe: `record ${profileLink} as it is, for --uninstall`, run: () => rec.recordHost(profileLink) },
      { kind: 'run', argv: [join(cfg.crossBossRoot, 'bin', 'cb-bootstrap'), cfg.stagingRoot], env: { EPREFIX: cfg.eprefix },
        unset: ['ROOT', 'SYSROOT', 'PORTAGE_CONFIGROOT'], label: 'cb-bootstrap', logFile: log },
    ],
  };
}

function wrappersStep(cfg: PrefixConfig, rec: SetupRecorder): Step {
  const wrappers = renderWrappers(cfg);
  return {
    name: 'wrappers', title: `Generating the Portage wrappers in ${cfg.wrapperDir}`,
    actions: [
      { kind: 'task', describe: 'record the wrappers, for --uninstall', run: async () => { for (const [p] of wrappers) await rec.addWrapper(p); } },
      ...wrappers.map(([path, content]): Action => ({ kind: 'write', path, content, mode: 0o755, brief: true })),
    ],
  };
}

function finalInitStep(cfg: PrefixConfig): Step {
  const log = join(cfg.finalDir, 'logs', 'final-init.log');
  return {
    name: 'final-init', title: 'Emerging the final root\'s foundation (prefix/prefix-final)', log, long: true,
    actions: [{ kind: 'run', argv: [join(cfg.wrapperDir, wrapperName('emerge', cfg)), 'prefix/prefix-final'], label: 'final init', logFile: log }],
  };
}

/** Skel files that name a repo the prefix does not have (Flatcar's skel still says `::coreos`). */
function staleSkelNotes(cfg: PrefixConfig): string[] {
  const skel = skelDir(cfg);
  const known = new Set([cfg.repos.main, cfg.repos.flatcar, cfg.repos.prefix, ...cfg.repos.custom].map((r) => r.name));
  const notes: string[] = [];
  const visit = (dir: string): void => {
    for (const entry of existsSync(dir) ? readdirSync(dir) : []) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) { if (entry !== 'repos.conf') visit(path); continue; }
      readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
        const repo = /::([A-Za-z0-9_-]+)/.exec(line.replace(/#.*/, ''))?.[1];
        if (repo && !known.has(repo))
          notes.push(`skel ${relative(skel, path)}:${i + 1} names repo "${repo}", which this prefix does not have; that line matches nothing`);
      });
    }
  };
  visit(skel);
  return notes;
}
