/**
 * Extraction of a stage tarball by GNU tar from a byte stream. The compression comes from the
 * first bytes (never the name); the multi-threaded decompressor pipes straight into tar, so the
 * decompressed data never passes through Node. As root, tar keeps numeric owners, modes, mtimes,
 * xattrs, ACLs, devices, FIFOs and links (mark-devkit's extractor lost several of them).
 *
 * Hostile archives are stopped by GNU tar's own defaults, which the e2e tests check for real:
 * a leading '/' is stripped, a member name with '..' is refused, hard link targets stay inside,
 * and a symlink pointing to an absolute path or through '..' exists only as a placeholder file
 * until the end, so nothing is written through it. This assumes a fresh rootfs, as the pipeline
 * gives: symlinks that were already in the rootfs are not guarded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { addAbortSignal, Readable, type Writable } from 'node:stream';
import { compressionOfMagic, decompressorArgv } from '../compression.js';
import { Failure } from '../../util/errors.js';
import type { Log } from '../../util/log.js';
import { abortError } from './abort.js';

export interface ExtractOptions { readonly log: Log; readonly signal?: AbortSignal }

/** Extracts a tarball (any compression, detected by magic bytes) from a file or a stream into rootfs. */
export async function extractTarball(input: string | NodeJS.ReadableStream, rootfs: string, o: ExtractOptions): Promise<void> {
  const extraction = startExtraction(rootfs, { ...o, label: typeof input === 'string' ? basename(input) : 'tarball' });
  const stream = typeof input === 'string' ? createReadStream(input) : input;
  if (o.signal && stream instanceof Readable) addAbortSignal(o.signal, stream);
  try {
    for await (const chunk of stream) await extraction.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  } catch (e) {
    await extraction.kill();
    if (o.signal?.aborted) throw abortError(o.signal);
    if (e instanceof Failure) throw e;
    throw new Failure(`cannot read ${typeof input === 'string' ? input : 'the tarball'}: ${(e as Error).message}`);
  }
  await extraction.end();
}

/** A running extraction that is fed the tarball's bytes in order. */
export interface Extraction {
  /** Feeds the next bytes; resolves once the tools took them (backpressure). Throws if a tool failed. */
  write(chunk: Uint8Array): Promise<void>;
  /** Ends the input and waits for the tools; throws a one-line Failure naming the tool's complaint. */
  end(): Promise<void>;
  /** Kills the tools (their process groups) and waits for them to exit. */
  kill(): Promise<void>;
}

/** tar options that keep everything a stage holds; `-C rootfs` is added per run. */
const TAR_EXTRACT = ['tar', '-x', '-p', '--numeric-owner', '--same-owner', '--xattrs', '--xattrs-include=*', '--acls'];

/** Enough leading bytes to recognise every compression's magic. */
const MAGIC_BYTES = 6;

/** Starts an extraction whose tools are spawned once the first bytes tell the compression. */
export function startExtraction(rootfs: string, o: ExtractOptions & { readonly label: string }): Extraction {
  return new ToolPipeline(rootfs, o);
}

interface Exit { readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly error?: Error }

/** One spawned tool, in its own process group so that killing it also kills anything it started. */
class Tool {
  readonly tail: string[] = [];
  readonly exit: Promise<Exit>;
  exited = false;

  constructor(readonly argv: readonly string[], readonly child: ChildProcess, log: Log) {
    this.exit = new Promise<Exit>((resolve) => {
      child.once('error', (error) => resolve({ code: null, signal: null, error }));
      child.once('close', (code, signal) => resolve({ code, signal }));
    }).then((x) => { this.exited = true; return x; });
    createInterface({ input: child.stderr! }).on('line', (text) => {
      this.tail.push(text);
      if (this.tail.length > 20) this.tail.shift();
      log.line(argv[0]!, text);
    });
  }

  static spawn(argv: readonly string[], stdin: 'pipe' | Readable, stdout: 'pipe' | 'ignore', log: Log): Tool {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: [stdin, stdout, 'pipe'], detached: true });
    return new Tool(argv, child, log);
  }

  kill(): void {
    if (this.exited || this.child.pid === undefined) return;
    try { process.kill(-this.child.pid, 'SIGKILL'); } catch { /* already gone */ }
  }
}

class ToolPipeline implements Extraction {
  private head: Buffer[] = [];
  private headBytes = 0;
  private tools: Tool[] = [];
  private stdin: Writable | undefined;
  /** Set when the first tool stopped reading; later bytes are dropped and end() reports why. */
  private inputGone = false;
  private readonly onAbort = () => { void this.kill(); };

  constructor(private readonly rootfs: string, private readonly o: ExtractOptions & { readonly label: string }) {
    o.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.throwIfAborted();
    if (!this.stdin) {
      this.head.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      this.headBytes += chunk.byteLength;
      if (this.headBytes < MAGIC_BYTES) return;
      chunk = this.startTools();
    }
    if (this.inputGone) return;
    const stdin = this.stdin!;
    try {
      await new Promise<void>((resolve, reject) => stdin.write(chunk, (e) => (e ? reject(e) : resolve())));
    } catch {
      this.inputGone = true;       // the tool exited: its exit status says why
      await this.finish();
    }
    this.throwIfAborted();
  }

  async end(): Promise<void> {
    this.throwIfAborted();
    if (!this.stdin) this.startTools();
    this.stdin!.end();
    await this.finish();
    this.throwIfAborted();
  }

  async kill(): Promise<void> {
    this.stdin?.destroy();
    for (const t of this.tools) t.kill();
    await Promise.all(this.tools.map((t) => t.exit));
    this.o.signal?.removeEventListener('abort', this.onAbort);
  }

  /** Spawns [decompressor |] tar for the compression of the head bytes; returns them to feed. */
  private startTools(): Buffer {
    const head = Buffer.concat(this.head);
    this.head = [];
    const unzip = decompressorArgv(compressionOfMagic(head));
    const tar = [...TAR_EXTRACT, '-C', this.rootfs, '-f', '-'];
    if (unzip) {
      const first = Tool.spawn(unzip, 'pipe', 'pipe', this.o.log);
      this.tools.push(first, Tool.spawn(tar, first.child.stdout!, 'ignore', this.o.log));
      first.child.stdout!.destroy();   // tar holds the pipe now; our copy would keep it open
    } else {
      this.tools.push(Tool.spawn(tar, 'pipe', 'ignore', this.o.log));
    }
    this.stdin = this.tools[0]!.child.stdin!;
    this.stdin.on('error', () => { this.inputGone = true; });  // EPIPE: reported through the exit status
    return head;
  }

  /** Waits for every tool; throws one line from the tool that failed first in the causal sense. */
  private async finish(): Promise<void> {
    const exits = await Promise.all(this.tools.map((t) => t.exit));
    this.o.signal?.removeEventListener('abort', this.onAbort);
    this.throwIfAborted();
    const failed = (x: Exit) => x.error !== undefined || x.code !== 0;
    // A decompressor that died of a broken pipe only reports that tar stopped reading.
    const brokenPipe = (i: number) => exits[i]!.signal === 'SIGPIPE' || this.tools[i]!.tail.some((l) => /broken pipe/i.test(l));
    const culprit = exits.findIndex((x, i) => failed(x) && !(i < exits.length - 1 && brokenPipe(i)));
    const index = culprit >= 0 ? culprit : exits.findIndex(failed);
    if (index < 0) return;
    throw new Failure(`cannot extract ${this.o.label} into ${this.rootfs}: ${complaint(this.tools[index]!, exits[index]!)}`);
  }

  private throwIfAborted(): void {
    if (this.o.signal?.aborted) throw abortError(this.o.signal);
  }
}

/** The tool's last meaningful stderr line, or how it ended. */
function complaint(tool: Tool, x: Exit): string {
  const name = tool.argv[0]!;
  if (x.error) return (x.error as NodeJS.ErrnoException).code === 'ENOENT' ? `${name} is not installed` : `${name}: ${x.error.message}`;
  const generic = /Exiting with failure status|Error is not recoverable/;
  const line = tool.tail.filter((l) => !generic.test(l)).at(-1);
  return line ?? (x.signal ? `${name} was killed by ${x.signal}` : `${name} exited ${x.code}`);
}
