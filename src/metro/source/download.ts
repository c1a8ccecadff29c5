/**
 * The resumable transfer of one URL into `<target>.part`, feeding every byte, in order and once,
 * to the digests and the extraction. The extraction must see the whole file, so the bytes of
 * the .part that it has not seen yet (a resume from an earlier run) are read back from disk
 * before the network's remainder. Transient failures resume with `Range: bytes=N-` after a backoff.
 */
import { createReadStream } from 'node:fs';
import { open, rm, stat, type FileHandle } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Failure } from '../../util/errors.js';
import type { Log } from '../../util/log.js';
import { abortError } from './abort.js';
import { Digests } from './checksum.js';
import type { Extraction } from './extract.js';
import { dropRecord, readRecord, writeRecord } from './record.js';
import { bodyChunks, get, NetworkError } from './request.js';

export interface Transfer {
  readonly url: URL;
  /** The URL as logged and recorded: no credentials, no fragment. */
  readonly shown: string;
  readonly target: string;
  readonly digests: Digests;
  readonly extraction: Extraction;
  readonly log: Log;
  readonly signal?: AbortSignal;
  readonly retries: number;
  readonly stallTimeoutMs: number;
  readonly backoffMs: number;
  readonly progress: (bytes: number, total: number | undefined) => void;
}

/** Downloads into `<target>.part` until complete; resolves with its size. The .part stays on failure. */
export async function download(t: Transfer): Promise<number> {
  const part = `${t.target}.part`;
  const fh = await open(part, 'a').catch((e: Error) => { throw new Failure(`cannot write ${part}: ${e.message}`); });
  const s = new TransferState(t, part, fh);
  let complete = false;
  try {
    await s.resumeFromRecord();
    for (let failures = 0; ;) {
      const before = s.consumed;
      try {
        if (await s.attempt()) {
          await fh.datasync();                     // the record will vouch for these bytes
          complete = true;
          return s.partSize;
        }
        continue;                                  // restart from zero at once (a stale .part)
      } catch (e) {
        if (t.signal?.aborted) throw abortError(t.signal);
        if (!(e instanceof NetworkError)) throw e;
        // Retries count from the last attempt that moved the download forward.
        failures = s.consumed > before ? 1 : failures + 1;
        if (failures > t.retries) {
          throw new Failure(`downloading ${t.shown} failed${t.retries ? ` ${failures} times in a row` : ''}: ${e.message}; check the network and the server${s.partSize ? ` (${part} is kept and resumed next time)` : ''}`);
        }
        const delay = t.backoffMs * 2 ** (failures - 1);
        t.log.warn(`${t.shown}: ${e.message}; retrying in ${delay >= 1000 ? `${delay / 1000} s` : `${delay} ms`}${s.partSize ? ` from byte ${s.partSize}` : ''}`);
        await sleep(delay, undefined, t.signal ? { signal: t.signal } : {}).catch(() => { throw abortError(t.signal!); });
      }
    }
  } finally {
    await fh.close();
    if (!complete && s.partSize === 0) await rm(part, { force: true });   // nothing to resume
  }
}

class TransferState {
  /** Bytes in the .part file. */
  partSize = 0;
  /** Bytes fed to the digests and the extraction (a prefix of the .part). */
  consumed = 0;
  private total: number | undefined;
  private validator: string | undefined;

  constructor(private readonly t: Transfer, private readonly part: string, private readonly fh: FileHandle) {}

  /** Keeps a .part only if the record says it came from the same URL; it is resumed then. */
  async resumeFromRecord(): Promise<void> {
    const size = (await stat(this.part)).size;
    const r = await readRecord(this.t.target);
    if (size > 0 && r && !r.complete && r.url === this.t.shown) {
      this.partSize = size;
      this.validator = r.validator;
      this.t.log.info(`Resuming ${this.t.shown} from byte ${size}`);
    } else {
      await this.truncate();
    }
  }

  /** One request; true when the file is complete, false to start again at once. Throws NetworkError to retry. */
  async attempt(): Promise<boolean> {
    const headers: Record<string, string> = { 'user-agent': 'prefixkit', 'accept-encoding': 'identity' };
    if (this.partSize > 0) {
      headers.range = `bytes=${this.partSize}-`;
      if (this.validator) headers['if-range'] = this.validator;
    }
    const { res, url } = await get(this.t.url, headers, { stallTimeoutMs: this.t.stallTimeoutMs, ...(this.t.signal ? { signal: this.t.signal } : {}) });
    const status = res.statusCode ?? 0;
    if (status === 206) {
      const range = contentRange(res.headers['content-range']);
      if (range?.start !== this.partSize) {
        res.destroy();
        throw new Failure(`${this.t.shown}: the server answered ${res.headers['content-range'] ?? 'no Content-Range'} to a request for bytes ${this.partSize}-`);
      }
      this.total = range.total;
      await this.catchUp();
      await this.pump(res);
    } else if (status === 200) {
      const length = Number(res.headers['content-length'] ?? NaN);
      this.total = Number.isFinite(length) ? length : undefined;
      if (this.consumed > 0) {
        await this.truncate(this.consumed);
        await this.replay(res);
      } else {
        if (this.partSize > 0) this.t.log.info(`${this.t.shown} changed on the server since ${this.part} was started, or the server ignores Range; downloading it from the start`);
        await this.truncate();
        this.validator = validatorOf(res);
        await writeRecord(this.t.target, { complete: false, url: this.t.shown, ...(this.validator ? { validator: this.validator } : {}) });
        await this.pump(res);
      }
    } else if (status === 416) {
      res.resume();
      const range = contentRange(res.headers['content-range']);
      if (range?.total === this.partSize) {           // the .part was complete, only the rename was missing
        await this.catchUp();
        return true;
      }
      if (this.consumed > 0) throw await this.changed();
      await this.truncate();
      return false;
    } else {
      res.resume();
      throw statusError(status, res.statusMessage ?? '', url, this.t.shown);
    }
    if (this.total !== undefined && this.partSize !== this.total) throw new NetworkError(`the connection closed after ${this.partSize} of ${this.total} bytes`);
    return true;
  }

  /** Feeds the .part bytes that the digests and the extraction have not seen yet. */
  private async catchUp(): Promise<void> {
    if (this.consumed >= this.partSize) return;
    const stream = createReadStream(this.part, { start: this.consumed, end: this.partSize - 1, ...(this.t.signal ? { signal: this.t.signal } : {}) });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      this.t.digests.update(chunk);
      await this.t.extraction.write(chunk);
      this.consumed += chunk.length;
      this.t.progress(this.consumed, this.total);
    }
  }

  /** Appends the body to the .part and feeds it on. */
  private async pump(res: IncomingMessage): Promise<void> {
    for await (const chunk of bodyChunks(res, this.t.stallTimeoutMs)) await this.take(chunk);
  }

  private async take(chunk: Buffer): Promise<void> {
    this.t.digests.update(chunk);
    const written = writeAll(this.fh, chunk).catch((e: Error) => { throw new Failure(`cannot write ${this.part}: ${e.message}`); });
    await Promise.all([written, this.t.extraction.write(chunk)]);
    this.partSize += chunk.length;
    this.consumed += chunk.length;
    this.t.progress(this.consumed, this.total);
  }

  /**
   * A 200 after bytes were already fed on (the server ignored Range): the body starts from zero,
   * so its first bytes must be the ones we have, which their sha256 checks; the rest is taken.
   */
  private async replay(res: IncomingMessage): Promise<void> {
    const have = this.consumed;
    const again = new Digests(false);
    let seen = 0;
    for await (const chunk of bodyChunks(res, this.t.stallTimeoutMs)) {
      if (seen === have) { await this.take(chunk); continue; }
      const mine = Math.min(chunk.length, have - seen);
      again.update(chunk.subarray(0, mine));
      seen += mine;
      if (seen < have) continue;
      if (again.peek() !== this.t.digests.peek()) throw await this.changed();
      if (mine < chunk.length) await this.take(chunk.subarray(mine));
    }
    if (seen < have) throw new NetworkError(`the connection closed after ${seen} of ${this.total ?? '?'} bytes`);
  }

  /** The file on the server is not the one the fed bytes came from: nothing can be salvaged. */
  private async changed(): Promise<Failure> {
    await rm(this.part, { force: true });
    await dropRecord(this.t.target);
    return new Failure(`${this.t.shown} changed on the server during the download; run again to download it from the start`);
  }

  private async truncate(size = 0): Promise<void> {
    await this.fh.truncate(size);
    this.partSize = size;
  }
}

async function writeAll(fh: FileHandle, chunk: Buffer): Promise<void> {
  for (let done = 0; done < chunk.length;) done += (await fh.write(chunk, done)).bytesWritten;
}

// `bytes 100-199/1000`, or `bytes */1000` (416).
function contentRange(header: string | undefined): { start?: number; total?: number } | undefined {
  const m = /^bytes\s+(?:(\d+)-\d+|\*)\/(\d+|\*)$/i.exec(header?.trim() ?? '');
  if (!m) return undefined;
  return { ...(m[1] !== undefined ? { start: Number(m[1]) } : {}), ...(m[2] !== '*' ? { total: Number(m[2]) } : {}) };
}

/** What If-Range can use: a strong ETag, else Last-Modified. */
function validatorOf(res: IncomingMessage): string | undefined {
  const etag = res.headers.etag;
  if (etag && !etag.startsWith('W/')) return etag;
  return res.headers['last-modified'];
}

function statusError(status: number, message: string, url: URL, shown: string): Error {
  const what = `HTTP ${status}${message ? ` ${message}` : ''}`;
  if (status >= 500) return new NetworkError(what);
  const where = url.href === new URL(shown).href ? shown : `${shown} (redirected to ${url.origin}${url.pathname})`;
  const hint = status === 401 || status === 403 ? 'check that source.uri is right and that the server lets you read it'
    : status >= 400 ? 'check source.uri (does the file exist on the server?)'
    : 'the server answered something other than the file';
  return new Failure(`downloading ${where} failed: ${what}; ${hint}`);
}
