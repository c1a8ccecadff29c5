/**
 * A namespace held open by a shell: `unshare … -- /bin/sh -c SCRIPT`, where the script sets up
 * its mounts, prints `ready`, then waits on its stdin. Commands join it with nsenter through
 * /proc/<pid>/ns. When the holder ends (close(), or prefixkit dies and the pipe closes) the
 * kernel drops every mount in the namespace, so nothing outlives the command. Used by metro's
 * inner-chroot hooks and by `sysext check`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { Failure } from './errors.js';
import { toolPath } from './tools.js';

/** How long a holder gets to end after its stdin closes before its process group is killed. */
const STOP_AFTER_MS = 5000;

export class Holder {
  private constructor(private readonly child: ChildProcess, private readonly closed: Promise<unknown>) {}

  /**
   * Starts `unshare unshareArgs -- /bin/sh -c script` and waits for its `ready`. `what` names the
   * namespace in the error when the script fails; aborting `signal` kills it and rejects.
   */
  static async start(unshare: string, unshareArgs: readonly string[], script: string, what: string, signal?: AbortSignal): Promise<Holder> {
    signal?.throwIfAborted();
    const child = spawn(unshare, [...unshareArgs, '--', '/bin/sh', '-c', script], {
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
    const holder = new Holder(child, closed);
    if (ready) return holder;
    await holder.kill();
    signal?.throwIfAborted();
    throw new Failure(`could not set up ${what}: ${stderr.trim().split('\n').at(-1) || 'the namespace holder exited'}`);
  }

  /** /proc/<pid>/ns of the namespace, for nsenter. */
  get ns(): string {
    return `/proc/${this.child.pid}/ns`;
  }

  /** Ends the namespace: closes the holder's stdin, and kills its process group if it lingers. */
  async close(): Promise<void> {
    this.child.stdin!.end();
    if (!(await Promise.race([this.closed.then(() => true), delay(STOP_AFTER_MS, false, { ref: false })]))) await this.kill();
  }

  private async kill(): Promise<void> {
    try {
      process.kill(-this.child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    await this.closed;
  }
}
