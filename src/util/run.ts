import { createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { execa } from 'execa';
import { CommandFailed } from './errors.js';
import type { Log } from './log.js';

export interface RunOptions {
  /** The whole environment of the tool (default: ours); nothing else is inherited. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  /** Prefix each output line with this label (stdout and stderr merged, in order). */
  readonly label?: string;
  /** Also append the raw output to this file. */
  readonly logFile?: string;
  readonly log?: Log;
  /** Aborting kills the tool (SIGTERM, then SIGKILL after 5 s). */
  readonly signal?: AbortSignal;
}

/**
 * Runs a tool with an argv (never a shell string), streaming its output line by line.
 * Only the last lines are kept in memory, for the error message.
 */
export async function run(argv: readonly string[], o: RunOptions = {}): Promise<void> {
  const [file, ...args] = argv;
  const child = execa(file!, args, {
    cwd: o.cwd, env: o.env ?? process.env, extendEnv: false, stdin: 'ignore', all: true, buffer: false, reject: false,
    ...(o.signal ? { cancelSignal: o.signal, forceKillAfterDelay: 5000 } : {}),
  });
  const tail: string[] = [];
  const logStream: WriteStream | undefined = o.logFile ? createWriteStream(o.logFile, { flags: 'a' }) : undefined;
  const lines = createInterface({ input: child.all! });
  lines.on('line', (text) => {
    tail.push(text);
    if (tail.length > 20) tail.shift();
    logStream?.write(`${text}\n`);
    if (o.log) o.log.line(o.label ?? argv[0]!, text);
  });
  const [result] = await Promise.all([child, new Promise((done) => lines.once('close', done))]);
  if (logStream) await new Promise((done) => logStream.end(done));
  if (result.failed) throw CommandFailed.of(argv, result, tail.join('\n'));
}

/** Runs a tool for its (small) standard output, e.g. `portageq pkgdir`. */
export async function capture(argv: readonly string[], o: Pick<RunOptions, 'env' | 'cwd'> = {}): Promise<string> {
  const [file, ...args] = argv;
  const r = await execa(file!, args, { cwd: o.cwd, env: o.env ?? process.env, extendEnv: false, stdin: 'ignore', reject: false });
  if (r.failed) throw CommandFailed.of(argv, r, String(r.stderr).trim());
  return String(r.stdout).trim();
}
