/**
 * Running one hook of a job: host hooks as plain processes, inner-chroot hooks in the rootfs with
 * the builtin executor (chroot.ts) or fchroot (fchroot.ts). Every command runs in its own process
 * group with stdin /dev/null and exactly the environment given; its output goes to the hook's log
 * file and, labelled, to the terminal.
 */
import { appendFileSync, mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { Failure } from '../../util/errors.js';
import type { Log } from '../../util/log.js';
import type { Bind, HookType } from '../job.js';
import { BINFMT_DIR, checkProgramArch } from './arch.js';
import { createTargets, planBinds } from './binds.js';
import { openChroot } from './chroot.js';
import { fchrootArgv, keepResolvConf } from './fchroot.js';
import { runGroup, type Exit } from './group.js';
import { HookOutput } from './output.js';
import { findInRoot } from './rootpath.js';

export { checkChrootArch } from './arch.js';
export { checkExecutor } from './check.js';

export interface HookRun {
  readonly name: string;
  readonly type: HookType;
  /** The hooks file it came from (for messages). */
  readonly file: string;
  /** Already defaulted to ['/bin/bash', '-c'] when the hook has none. */
  readonly entrypoint: readonly string[];
  readonly commands: readonly string[];
  /** The job's chroot_binds, then the hook's, in the order written (inner-chroot only). */
  readonly binds: readonly Bind[];
}

export interface HookContext {
  readonly rootfs: string;
  /** The whole environment of the hook; nothing else is inherited. */
  readonly env: Readonly<Record<string, string>>;
  /** Where host hooks run. */
  readonly cwd: string;
  readonly executor: 'builtin' | 'fchroot';
  readonly fchroot: { readonly debug: boolean; readonly cpu?: string };
  /** <logDir>/<hook name>.log gets every command's banner and output, appended. */
  readonly logDir: string;
  readonly log: Log;
  /** Hides the banners and the hook's output on the terminal (the log file still has them). */
  readonly quiet: boolean;
  /** Aborting kills the running command's whole process group (SIGTERM, then SIGKILL after 5 s) and rejects. */
  readonly signal?: AbortSignal;
}

/** Runs every command of a hook in order; the first failure throws HookFailed. */
export async function runHook(h: HookRun, ctx: HookContext): Promise<void> {
  ctx.signal?.throwIfAborted();
  if (h.commands.length === 0) return;
  mkdirSync(ctx.logDir, { recursive: true });
  const logPath = join(ctx.logDir, `${h.name.replaceAll('/', '_') || 'hook'}.log`);
  const runner = h.type === 'inner-chroot' ? await chrootRunner(h, ctx, logPath) : hostRunner(h, ctx);
  try {
    for (const command of h.commands) {
      const out = new HookOutput(h.name, logPath, ctx.log, ctx.quiet);
      let failure: HookFailed | undefined;
      try {
        out.note(`>>> hook ${h.name} (${h.type}): ${firstLine(command)}`);
        failure = failureOf(h, command, await runner.run(command, out), logPath);
        if (failure?.reason) out.note(`prefixkit: ${failure.reason}`);
      } finally {
        await out.close();
      }
      ctx.signal?.throwIfAborted();
      if (failure) throw failure;
    }
  } finally {
    await runner.close();
  }
}

export class HookFailed extends Failure {
  override name = 'HookFailed';
  readonly hook: string;
  readonly file: string;

  constructor(
    h: Pick<HookRun, 'name' | 'file'>,
    readonly command: string,
    readonly status: number | null,
    readonly signal: string | null,
    readonly logPath: string,
    readonly reason?: string,
  ) {
    const how = signal ? `was killed by ${signal}` : `exited ${status}${reason ? ` (${reason})` : ''}`;
    super(`hook "${h.name}" (${h.file}) failed: command \`${shorten(command)}\` ${how} — see ${logPath}`);
    this.hook = h.name;
    this.file = h.file;
  }
}

interface Runner {
  run(command: string, out: HookOutput): Promise<Exit>;
  close(): Promise<void>;
}

/** argv = entrypoint + [command]: the command is one argument, as mark-devkit passes it. */
function hostRunner(h: HookRun, ctx: HookContext): Runner {
  return {
    run: (command, out) => runGroup([...h.entrypoint, command], { cwd: ctx.cwd, env: ctx.env, out, signal: ctx.signal }),
    close: async () => {},
  };
}

async function chrootRunner(h: HookRun, ctx: HookContext, logPath: string): Promise<Runner> {
  const root = inHook(h, () => realRootfs(ctx.rootfs));
  const binds = inHook(h, () => planBinds(root, h.binds));
  const program = h.entrypoint[0]!;
  const found = findInRoot(program, ctx.env.PATH, binds.hostOf);
  if (!found) {
    const reason = `entrypoint ${program} not found in the rootfs`;
    appendFileSync(logPath, `prefixkit: ${reason}\n`);
    throw new HookFailed(h, h.commands[0]!, 127, null, logPath, reason);
  }
  checkProgramArch(ctx.rootfs, program, found.inside, binds.hostOf, ctx.executor, BINFMT_DIR);
  if (ctx.executor === 'fchroot') {
    inHook(h, () => createTargets(binds.mounts));
    return {
      async run(command, out) {
        const restoreResolvConf = keepResolvConf(root);
        try {
          const argv = fchrootArgv(ctx.rootfs, binds.mounts, ctx.fchroot, h.entrypoint, command);
          return await runGroup(argv, { cwd: ctx.cwd, env: ctx.env, out, signal: ctx.signal });
        } finally {
          restoreResolvConf();
        }
      },
      close: async () => {},
    };
  }
  const chroot = await inHookAsync(h, () => openChroot(root, binds, { log: ctx.log, signal: ctx.signal }));
  return {
    run: (command, out) => runGroup(chroot.argv(h.entrypoint, command), { cwd: '/', env: ctx.env, out, signal: ctx.signal }),
    close: () => chroot.close(),
  };
}

function realRootfs(rootfs: string): string {
  try {
    return realpathSync(rootfs);
  } catch {
    throw new Failure(`rootfs ${rootfs} does not exist`);
  }
}

function failureOf(h: HookRun, command: string, exit: Exit, logPath: string): HookFailed | undefined {
  if (exit.error) {
    // The status a shell reports for a program it could not start.
    const program = h.entrypoint[0];
    const [status, reason] = exit.error.code === 'ENOENT' ? [127, `entrypoint ${program} not found`]
      : exit.error.code === 'EACCES' ? [126, `entrypoint ${program} is not executable`]
      : [126, `entrypoint ${program} could not start: ${exit.error.message}`];
    return new HookFailed(h, command, status, null, logPath, reason);
  }
  return exit.status === 0 ? undefined : new HookFailed(h, command, exit.status, exit.signal, logPath);
}

/** A plain Failure while preparing the chroot, named after the hook. */
function inHook<T>(h: HookRun, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw named(h, e);
  }
}

async function inHookAsync<T>(h: HookRun, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw named(h, e);
  }
}

function named(h: HookRun, e: unknown): unknown {
  return e instanceof Failure && e.constructor === Failure ? new Failure(`hook "${h.name}" (${h.file}): ${e.message}`) : e;
}

function firstLine(command: string): string {
  const lines = command.trim().split('\n');
  return lines.length > 1 ? `${lines[0]} …` : lines[0]!;
}

function shorten(command: string): string {
  const line = firstLine(command);
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}
