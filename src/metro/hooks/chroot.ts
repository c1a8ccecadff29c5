/**
 * The builtin inner-chroot executor. A holder (`unshare --mount --pid --fork`) makes a private
 * mount and PID namespace, mounts the chroot's file systems in it, then waits on its stdin. Each
 * command joins that namespace with nsenter and runs `chroot <rootfs> entrypoint… command`, so the
 * hook gets exactly the environment we give it: no shell stands between us and it.
 * The holder is PID 1 of the namespace: when it ends (we close its stdin, or prefixkit dies and the
 * pipe closes) the kernel kills whatever is left in the namespace and the mounts vanish with it.
 * Nothing is ever mounted in the host's namespace.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { lstatSync, mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { Failure } from '../../util/errors.js';
import type { Log } from '../../util/log.js';
import { shq } from '../../util/shell.js';
import { createTargets, SPECIAL_DIRS, type PlannedBinds } from './binds.js';
import { KILL_AFTER_MS, signalGroup } from './group.js';
import { inRootfs, isWithin, resolveInRoot, type InsidePath } from './rootpath.js';
import { toolPath } from '../../util/tools.js';
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
    return new Chroot(root, await startHolder(script, o.signal), placeholder);
  } catch (e) {
    placeholder?.remove();
    throw e;
  }
}

export class Chroot {
  constructor(private readonly root: string, private readonly holder: Holder, private readonly placeholder: Placeholder | undefined) {}

  /** The argv that runs one command in the chroot. */
  argv(entrypoint: readonly string[], command: string): string[] {
    const ns = `/proc/${this.holder.child.pid}/ns`;
    return [chrootTool('nsenter'), `--mount=${ns}/mnt`, `--pid=${ns}/pid_for_children`, '--', chrootTool('chroot'), this.root, ...entrypoint, command];
  }

  /** Ends the namespace (and anything the hook left running in it), then removes what we added to the rootfs. */
  async close(): Promise<void> {
    const { child, closed } = this.holder;
    child.stdin!.end();
    if (!(await Promise.race([closed.then(() => true), delay(KILL_AFTER_MS, false, { ref: false })]))) {
      signalGroup(child.pid!, 'SIGKILL');
      await closed;
    }
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

interface Holder { readonly child: ChildProcess; readonly closed: Promise<unknown> }

async function startHolder(script: string, signal: AbortSignal | undefined): Promise<Holder> {
  signal?.throwIfAborted();
  const child = spawn(chrootTool('unshare'), ['--mount', '--pid', '--fork', '--kill-child', '--propagation', 'private', '--', '/bin/sh', '-c', script], {
    cwd: '/', env: { PATH: toolPath() }, stdio: ['pipe', 'pipe', 'pipe'], detached: true,
  });
  const closed = new Promise((resolve) => child.once('close', resolve));
  // Ending the stdin of a holder that is already gone fails with EPIPE: gone is what we wanted.
  child.stdin!.on('error', () => {});
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  let onAbort = () => {};
  const ready = await new Promise<boolean>((resolve) => {
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); if (stdout.includes('ready\n')) resolve(true); });
    child.once('error', () => resolve(false));
    void closed.then(() => resolve(false));
    onAbort = () => resolve(false);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  signal?.removeEventListener('abort', onAbort);
  if (ready) return { child, closed };
  if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
  await closed;
  signal?.throwIfAborted();
  throw new Failure(`could not set up the chroot: ${stderr.trim().split('\n').at(-1) || 'the namespace holder exited'}`);
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
