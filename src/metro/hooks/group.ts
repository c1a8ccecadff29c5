import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import type { HookOutput } from './output.js';
import { readTextOr } from '../../util/fs.js';

export interface Exit {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the program could not be started (ENOENT, EACCES). */
  readonly error?: NodeJS.ErrnoException;
}

export interface GroupOptions {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly out: HookOutput;
  readonly signal?: AbortSignal;
}

/** How long a process group has between SIGTERM and SIGKILL. */
const KILL_AFTER_MS = 5000;
/** Output still arriving after the command exited comes from something it left running; we read it this long. */
const OUTPUT_GRACE_MS = 1000;

/**
 * Runs argv as the leader of a new process group, stdin /dev/null, stdout and stderr into `out`.
 * Aborting signals the whole group, so a shell's children (a `sleep`, a `make -j`) go with it.
 */
export async function runGroup(argv: readonly string[], o: GroupOptions): Promise<Exit> {
  const child = spawn(argv[0]!, argv.slice(1), { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const exited = new Promise<Exit>((resolve) => {
    child.once('error', (error) => resolve({ status: null, signal: null, error }));
    child.once('exit', (status, signal) => resolve({ status, signal }));
  });
  const output = Promise.all([o.out.follow(child.stdout), o.out.follow(child.stderr)]);
  let stopping: Promise<void> | undefined;
  const onAbort = () => { if (child.pid !== undefined) stopping ??= stopGroup(child.pid); };
  o.signal?.addEventListener('abort', onAbort, { once: true });
  if (o.signal?.aborted) onAbort();
  try {
    const exit = await exited;
    if (await Promise.race([output.then(() => false), delay(OUTPUT_GRACE_MS, true, { ref: false })])) {
      child.stdout.destroy();
      child.stderr.destroy();
    }
    await output;
    await stopping;
    return exit;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
}

/** SIGTERM to the group, then SIGKILL to whatever of it is left after KILL_AFTER_MS. */
async function stopGroup(pgid: number): Promise<void> {
  signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + KILL_AFTER_MS;
  while (groupAlive(pgid) && Date.now() < deadline) await delay(50);
  if (groupAlive(pgid)) signalGroup(pgid, 'SIGKILL');
}

export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

/**
 * Whether a process of the group still runs. Zombies do not count: an orphan's zombie stays in the
 * group until its new parent reaps it, and that parent (an init, our namespace holder) may be slow.
 */
function groupAlive(pgid: number): boolean {
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    // /proc/<pid>/stat: "pid (comm) state ppid pgrp …"; comm may contain spaces and parentheses.
    const stat = readTextOr(`/proc/${pid}/stat`);
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') return true;
  }
  return false;
}
