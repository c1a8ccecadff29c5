import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { execa } from 'execa';
import { findTool, toolPath } from '../util/tools.js';
import { Failure } from '../util/errors.js';
import { shq } from '../util/shell.js';

export interface Finished { readonly status: number; readonly output: string }

/**
 * A private mount namespace prepared for `systemd-sysext --root=ROOT`, held open by a shell that
 * waits on its stdin; commands join it with nsenter. Nothing is mounted in the host's namespace,
 * and when the holder ends (close(), or prefixkit dies and the pipe closes) the kernel drops every
 * mount in it, and loop devices systemd attached with autoclear go with them.
 */
export async function openNamespace(root: string): Promise<Namespace> {
  const [unshare, nsenter, mount] = ['unshare', 'nsenter', 'mount'].map(need);
  // /run bound onto itself: systemd-sysext remounts it MS_SLAVE, which fails where /run is no mount point.
  // ROOT bound onto itself and shared: the overlay systemd mounts in its own child namespace propagates back to us.
  const script = [
    'set -e',
    [mount, '--bind', '/run', '/run'].map(shq).join(' '),
    [mount, '--bind', root, root].map(shq).join(' '),
    [mount, '--make-shared', root].map(shq).join(' '),
    'echo ready',
    'read -r _ || :',
  ].join('\n');
  const child = spawn(unshare!, ['--mount', '--propagation', 'private', '--', '/bin/sh', '-c', script], {
    cwd: '/', env: { PATH: toolPath() }, stdio: ['pipe', 'pipe', 'pipe'], detached: true,
  });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.stdin!.on('error', () => {}); // EPIPE from a holder that is already gone: gone is what we want
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });
  const ready = await new Promise<boolean>((resolve) => {
    child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('ready')) resolve(true); });
    child.once('error', () => resolve(false));
    void closed.then(() => resolve(false));
  });
  if (!ready) {
    await stop(child, closed);
    throw new Failure(`could not set up the scratch mount namespace: ${stderr.trim().split('\n').at(-1) || 'unshare exited'}`);
  }
  return new Namespace(child, closed, nsenter!);
}

export class Namespace {
  constructor(private readonly holder: ChildProcess, private readonly closed: Promise<void>, private readonly nsenter: string) {}

  /** Runs argv inside the namespace with exactly `env` (plus our PATH); stdout and stderr interleaved. */
  async exec(argv: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<Finished> {
    const r = await execa(this.nsenter, [`--mount=/proc/${this.holder.pid}/ns/mnt`, '--', ...argv], {
      cwd: '/', env: { PATH: toolPath(), ...env }, extendEnv: false, stdin: 'ignore', all: true, reject: false,
    });
    return { status: r.exitCode ?? (r.code === 'ENOENT' ? 127 : -1), output: String(r.all ?? '') };
  }

  async close(): Promise<void> {
    this.holder.stdin!.end();
    await stop(this.holder, this.closed);
  }
}

const STOP_AFTER_MS = 5000;

/** Waits for the holder to end; kills its process group when it does not. */
async function stop(child: ChildProcess, closed: Promise<void>): Promise<void> {
  if (await Promise.race([closed.then(() => true), delay(STOP_AFTER_MS, false, { ref: false })])) return;
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
  await closed;
}

function need(name: string): string {
  const path = findTool(name);
  if (!path) throw new Failure(`${name} is not installed (install util-linux)`);
  return path;
}
