/**
 * The packing pipeline: GNU tar → multi-threaded compressor → Node, which counts and hashes the
 * bytes while writing them to an open temp file. Node's own `run()` cannot join two processes,
 * so they are spawned here: the compressor first, then tar writing straight into its stdin, so
 * the archive never passes through Node twice. Each child leads its own process group, and
 * aborting kills both groups.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import type { FileHandle } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CommandFailed } from '../../util/errors.js';
import type { Log } from '../../util/log.js';
import { compressorArgv, type Compression } from '../compression.js';
import { writeHashed, type Digest } from './digests.js';
import { otherFileSystem } from './filter.js';

export interface ArchiveOptions {
  readonly rootfs: string;
  readonly compression: Compression;
  /** Entry names (`.`, `./bin`, …) when filtering; without them tar packs the whole tree. */
  readonly entries?: Iterable<Buffer>;
  /** The temp file the compressed tarball streams into. */
  readonly out: FileHandle;
  /** Where tar writes the `tar -tvv` style listing that becomes the CONTENTS. */
  readonly indexPath: string;
  readonly log: Log;
  readonly signal?: AbortSignal;
  /** Called with the byte count after each chunk written. */
  readonly progress: (bytes: number) => void;
}

export interface ArchiveResult { readonly bytes: number; readonly digest: Digest }

export async function writeArchive(o: ArchiveOptions): Promise<ArchiveResult> {
  o.signal?.throwIfAborted();
  // C.UTF-8: tar's messages (parsed below) in English, names as UTF-8. UTC: a CONTENTS listing
  // that does not depend on the host's time zone.
  const env = { ...process.env, LC_ALL: 'C.UTF-8', TZ: 'UTC' };
  const children: ChildProcess[] = [];
  let stopped: unknown; // why we killed the children, when it was us
  const stop = (why: unknown) => {
    stopped ??= why;
    for (const c of children) killGroup(c);
  };
  const onAbort = () => stop(o.signal!.reason);
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const zArgv = compressorArgv(o.compression);
    const z = zArgv && start(zArgv, ['pipe', 'pipe', 'pipe'], env, children);
    const zExit = z && watch(z, () => {});
    if (z && z.pid === undefined) throw failed(zArgv, await zExit!);

    const tarArgs = tarArgv(o.rootfs, o.indexPath, o.entries !== undefined);
    const tarMessages: string[] = [];
    const tar = start(tarArgs, [o.entries ? 'pipe' : 'ignore', z ? z.stdin! : 'pipe', 'pipe'], env, children);
    z?.stdin!.destroy(); // tar holds the write end now; the compressor sees EOF when tar exits
    const tarExit = watch(tar, (line) => {
      const warning = tarWarning(line);
      if (warning) o.log.warn(warning);
      else tarMessages.push(line);
    });

    let walkError: unknown;
    const feed = o.entries && tar.pid !== undefined
      ? pipeline(Readable.from(nulTerminated(o.entries, (e) => { walkError = e; })), tar.stdin as Writable)
        .catch((e: unknown) => { if (e === walkError) stop(e); }) // otherwise tar stopped reading: its exit says why
      : Promise.resolve();
    const written = writeHashed((z ?? tar).stdout!, o.out, o.progress).catch((e: unknown) => { stop(e); throw e; });

    const [result, , zDone, tarDone] = await Promise.allSettled([written, feed, zExit, tarExit]);
    if (stopped !== undefined) throw stopped;
    if (zDone.status === 'fulfilled' && zDone.value && !succeeded(zDone.value)) throw failed(zArgv!, zDone.value);
    const t = (tarDone as PromiseFulfilledResult<Exit>).value;
    if (!succeeded(t) && t.code !== 1) throw failed(tarArgs, t);
    // Exit 1 is GNU tar's "some files differ": a file changed while it was read. The rootfs is
    // idle while packing, so it is worth a warning, not the loss of a build that took hours.
    for (const line of tarMessages) o.log.warn(line);
    if (t.code === 1) o.log.warn('tar exited 1: some files changed while they were being packed; the archive holds them as tar read them');
    return (result as PromiseFulfilledResult<ArchiveResult>).value;
  } catch (e) {
    stop(e); // a throw before both children were watched must not leave the compressor waiting for input
    throw e;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * GNU tar as catalyst runs it (`--xattrs --acls --numeric-owner`), plus: every xattr, PAX format
 * (nanosecond mtimes, long names, xattrs) without atime/ctime records and with fixed extended
 * header names, and sorted entries, so the same tree gives the same bytes; no crossing into a
 * mount left in the rootfs; a `tar -tvv` listing of what was packed into `index`.
 */
function tarArgv(rootfs: string, index: string, fromList: boolean): string[] {
  return [
    'tar', '--create', '--file=-', `--directory=${rootfs}`,
    '--format=posix', '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime',
    '--numeric-owner', '--xattrs', '--xattrs-include=*', '--acls',
    '--one-file-system', '--sort=name', '--verbose', '--verbose', `--index-file=${index}`,
    ...(fromList ? ['--null', '--no-recursion', '--files-from=-'] : ['.']),
  ];
}

/** tar's stderr lines that are expected in a rootfs, reworded; undefined for any other line. */
function tarWarning(line: string): string | undefined {
  const socket = /^tar: (.*): socket ignored$/.exec(line);
  if (socket) return `${socket[1]}: a socket; not packed (tar cannot archive sockets)`;
  const mount = /^tar: (.*?)\/?: file is on a different filesystem; not dumped$/.exec(line);
  if (mount) return otherFileSystem(mount[1]!);
  return undefined;
}

const NUL = Buffer.of(0);

/** tar's --null list, a few hundred names to a chunk. */
function* nulTerminated(entries: Iterable<Buffer>, onError: (e: unknown) => void): Generator<Buffer> {
  const batch: Buffer[] = [];
  try {
    for (const entry of entries) {
      batch.push(entry, NUL);
      if (batch.length >= 512) yield Buffer.concat(batch.splice(0));
    }
    if (batch.length) yield Buffer.concat(batch);
  } catch (e) {
    onError(e);
    throw e;
  }
}

function start(argv: readonly string[], stdio: StdioOptions, env: NodeJS.ProcessEnv, children: ChildProcess[]): ChildProcess {
  const c = spawn(argv[0]!, argv.slice(1), { stdio, env, detached: true });
  children.push(c);
  return c;
}

/** Kills the child's whole process group, unless the child has already exited. */
function killGroup(c: ChildProcess): void {
  if (c.pid === undefined || c.exitCode !== null || c.signalCode !== null) return;
  try {
    process.kill(-c.pid, 'SIGKILL');
  } catch {
    // it exited meanwhile
  }
}

interface Exit { readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly spawnError?: string; readonly tail: string[] }

/** Resolves when the child is gone and its stderr read; keeps the last lines of stderr. */
function watch(c: ChildProcess, onLine: (line: string) => void): Promise<Exit> {
  const tail: string[] = [];
  let spawnError: string | undefined;
  createInterface({ input: c.stderr! }).on('line', (line) => {
    onLine(line);
    tail.push(line);
    if (tail.length > 20) tail.shift();
  });
  c.on('error', (e: NodeJS.ErrnoException) => { spawnError = e.code; });
  return new Promise((resolve) => c.on('close', (code, signal) => resolve({ code, signal, tail, ...(spawnError ? { spawnError } : {}) })));
}

const succeeded = (e: Exit) => e.code === 0 && !e.spawnError;
const failed = (argv: readonly string[], e: Exit) =>
  CommandFailed.of(argv, { ...(e.code !== null && e.code >= 0 ? { exitCode: e.code } : {}), ...(e.spawnError ? { code: e.spawnError } : {}), ...(e.signal ? { signal: e.signal } : {}) }, e.tail.join('\n'));
