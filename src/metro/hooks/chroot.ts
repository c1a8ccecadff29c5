/**
 * The builtin inner-chroot executor. A holder (`unshare --mount --pid --fork`) makes a private
 * mount and PID namespace, mounts the chroot's file systems in it, then waits on its stdin. Each
 * command joins that namespace with nsenter and runs `chroot <rootfs> entrypoint… command`, so the
 * hook gets exactly the environment we give it: no shell stands between us and it.
 * The holder is PID 1 of the namespace: when it ends (we close its stdin, or prefixkit dies and the
 * pipe closes) the kernel kills whatever is left in the namespace and the mounts vanish with it.
 * Nothing is ever mounted in the host's namespace.
 */
import { lstatSync, mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { Failure } from '../../util/errors.js';
import { Holder } from '../../util/holder.js';
import type { Log } from '../../util/log.js';
import { shq } from '../../util/shell.js';
import { createTargets, SPECIAL_DIRS, type PlannedBinds } from './binds.js';
import { inRootfs, isWithin, resolveInRoot, type InsidePath } from './rootpath.js';
import { chrootTool } from './check.js';

export interface ChrootOptions {
  readonly log: Log;
  readonly signal?: AbortSignal;
}

/** Sets up the namespace and its mounts for one hook; close() when its commands are done. */
export async function openChroot(root: string, binds: PlannedBinds, o: ChrootOptions): Promise<Chroot> {
  const [proc, sys, dev] = SPECIAL_DIRS.map((d) => specialDir(root, d));
  const resolv = planResolvConf(root, o.log);
  createTargets(binds.mounts);
  const placeholder = resolv?.placeholder ? createPlaceholder(resolv.placeholder) : undefined;
  try {
    const script = holderScript(root, { proc: proc!, sys: sys!, dev: dev!, resolv: resolv?.target }, binds);
    const holder = await Holder.start(chrootTool('unshare'), ['--mount', '--pid', '--fork', '--kill-child', '--propagation', 'private'], script, 'the chroot', o.signal);
    return new Chroot(root, holder, placeholder);
  } catch (e) {
    placeholder?.remove();
    throw e;
  }
}

export class Chroot {
  constructor(private readonly root: string, private readonly holder: Holder, private readonly placeholder: Placeholder | undefined) {}

  /** The argv that runs one command in the chroot. */
  argv(entrypoint: readonly string[], command: string): string[] {
    const ns = this.holder.ns;
    return [chrootTool('nsenter'), `--mount=${ns}/mnt`, `--pid=${ns}/pid_for_children`, '--', chrootTool('chroot'), this.root, ...entrypoint, command];
  }

  /** Ends the namespace (and anything the hook left running in it), then removes what we added to the rootfs. */
  async close(): Promise<void> {
    await this.holder.close();
    this.placeholder?.remove();
  }
}

/** Device nodes the chroot's /dev gets from the host, and the usual links. */
const DEV_NODES = ['null', 'zero', 'full', 'random', 'urandom', 'tty'];
const DEV_LINKS: ReadonlyArray<readonly [string, string]> = [
  ['fd', '/proc/self/fd'], ['stdin', '/proc/self/fd/0'], ['stdout', '/proc/self/fd/1'], ['stderr', '/proc/self/fd/2'], ['ptmx', 'pts/ptmx'],
];

interface Layout { readonly proc: string; readonly sys: string; readonly dev: string; readonly resolv: string | undefined }

/**
 * The holder's script. A fresh proc shows only the namespace's processes; sysfs is read-only; /dev
 * is a tmpfs with the harmless host nodes bound in and its own devpts, so a hook cannot reach the
 * host's disks, and `rm -rf /dev/*` in a hook cannot delete the host's device nodes. The host's
 * resolv.conf is bound read-only, so a hook writing it gets an error instead of changing the host's.
 * Binds are not recursive, as fchroot's.
 */
function holderScript(root: string, at: Layout, binds: PlannedBinds): string {
  const p = (inside: string) => root + inside;
  const dev = (name: string) => `${p(at.dev)}/${name}`;
  const mount = (...args: string[]) => [chrootTool('mount'), ...args].map(shq).join(' ');
  return [
    'set -e',
    mount('-t', 'proc', '-o', 'nosuid,nodev,noexec', 'proc', p(at.proc)),
    mount('-t', 'sysfs', '-o', 'ro,nosuid,nodev,noexec', 'sysfs', p(at.sys)),
    mount('-t', 'tmpfs', '-o', 'mode=0755,nosuid,noexec', 'tmpfs', p(at.dev)),
    ...DEV_NODES.flatMap((n) => [`: > ${shq(dev(n))}`, mount('--bind', `/dev/${n}`, dev(n))]),
    `mkdir ${shq(dev('pts'))} ${shq(dev('shm'))}`,
    mount('-t', 'devpts', '-o', 'newinstance,ptmxmode=0666,mode=0620', 'devpts', dev('pts')),
    mount('-t', 'tmpfs', '-o', 'mode=1777,nosuid,nodev', 'tmpfs', dev('shm')),
    ...DEV_LINKS.map(([name, to]) => `ln -s ${shq(to)} ${shq(dev(name))}`),
    ...(at.resolv ? [mount('--bind', '-o', 'ro', '/etc/resolv.conf', p(at.resolv))] : []),
    ...binds.mounts.map((m) => mount('--bind', m.source, p(m.target))),
    'echo ready',
    'read -r _ || :',
  ].join('\n');
}

/** /proc, /sys or /dev of the rootfs (created when missing), as a canonical inside path. */
function specialDir(root: string, dir: string): string {
  const r = resolveInRoot(dir, inRootfs(root));
  if (r.inside === '/') throw new Failure(`${dir} of the rootfs is the rootfs itself (a symlink): refusing to mount over it`);
  if (r.missing > 0) mkdirSync(root + r.inside, { recursive: true, mode: 0o755 });
  else if (!statSync(root + r.inside).isDirectory()) throw new Failure(`${dir} of the rootfs is not a directory`);
  return r.inside;
}

interface ResolvPlan { readonly target: string; readonly placeholder?: string }

/**
 * Where the host's resolv.conf is bound: the rootfs's own (left as it was), or an empty file made
 * for the purpose and removed afterwards, as stage tarballs usually have none.
 */
function planResolvConf(root: string, log: Log): ResolvPlan | undefined {
  if (!isFile('/etc/resolv.conf')) return undefined;
  const r = resolvConfIn(root);
  if (r && r.missing === 0 && isFile(root + r.inside)) return { target: r.inside };
  if (r && r.missing === 1) return { target: r.inside, placeholder: root + r.inside };
  log.warn(`the rootfs's /etc/resolv.conf${r ? ` (${r.inside})` : ''} cannot take the host's: hooks in the chroot run without DNS settings`);
  return undefined;
}

/** The rootfs's resolv.conf through its symlinks, unless they lead somewhere a bind cannot go. */
function resolvConfIn(root: string): InsidePath | undefined {
  try {
    const r = resolveInRoot('/etc/resolv.conf', inRootfs(root));
    return r.inside !== '/' && !SPECIAL_DIRS.some((d) => isWithin(r.inside, d)) ? r : undefined;
  } catch {
    return undefined;
  }
}

interface Placeholder { remove(): void }

function createPlaceholder(path: string): Placeholder {
  writeFileSync(path, '', { flag: 'wx', mode: 0o644 });
  const { ino } = lstatSync(path);
  return {
    remove() {
      const st = lstatSync(path, { throwIfNoEntry: false });
      if (st?.isFile() && st.ino === ino && st.size === 0) unlinkSync(path);
    },
  };
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}
