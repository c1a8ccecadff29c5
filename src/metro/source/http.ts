/**
 * The `http` source: downloads a stage tarball, or reuses a complete earlier download, and
 * extracts it into the rootfs while the bytes arrive. Unlike mark-devkit, a target is trusted only
 * with a record of a verified, complete download (see record.ts); a bare file at the target, such
 * as mark-devkit's partial downloads, is never read and gets replaced once the new download is
 * complete. file:// URIs are extracted in place: no copy at the target, no record.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Failure, UsageError } from '../../util/errors.js';
import { formatProgress, type Log } from '../../util/log.js';
import { abortError } from './abort.js';
import { Digests, parseChecksum, type Checksum } from './checksum.js';
import { download } from './download.js';
import { startExtraction } from './extract.js';
import { dropRecord, readRecord, writeRecord, type CompleteRecord } from './record.js';

export interface HttpSourceOptions {
  /** http://, https:// or file://; the query string is kept (mark-devkit dropped it). */
  readonly uri: string;
  /** Absolute download path, the cache key; `<target>.part` and `<target>.prefixkit.json` live next to it. */
  readonly target: string;
  /** 'sha256:<hex>' or 'sha512:<hex>'; empty or absent: not checked. */
  readonly checksum?: string;
  /** An existing, empty directory to extract into. */
  readonly rootfs: string;
  readonly log: Log;
  /** Stops the download and the tools at once; the .part stays for a later resume. Rejects with an AbortError. */
  readonly signal?: AbortSignal;
  /** Retries of network errors and 5xx answers in a row without progress (default 4). */
  readonly retries?: number;
  /** No byte for this long is a network error (default 60 s); there is no limit on the whole download. */
  readonly stallTimeoutMs?: number;
  /** The first retry's delay, doubled for each further one (default 500 ms). */
  readonly backoffMs?: number;
}

export interface SourceResult {
  /** The target was a complete earlier download: nothing was fetched. */
  readonly reused: boolean;
  readonly bytes: number;
  readonly sha256: string;
}

/** Downloads (or reuses) target and extracts it into rootfs, overlapping the two. */
export async function fetchAndExtract(o: HttpSourceOptions): Promise<SourceResult> {
  validateHttpSource(o.uri, o.checksum);
  if (o.signal?.aborted) throw abortError(o.signal);
  const url = new URL(o.uri);
  const checksum = o.checksum ? parseChecksum(o.checksum) : undefined;
  if (url.protocol === 'file:') return extractFile(fileURLToPath(url), o, checksum);
  const shown = showUrl(url);
  const record = await trustedRecord(o, shown, checksum);
  if (record) return extractFile(o.target, o, checksum, record);
  return downloadAndExtract(url, shown, o, checksum);
}

/** Checks an option value before any side effect: throws UsageError for a malformed checksum / unsupported URI scheme. */
export function validateHttpSource(uri: string, checksum?: string): void {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new UsageError(`source.uri "${uri}" is not a URL; use http://, https:// or file://`);
  }
  if (!['http:', 'https:', 'file:'].includes(url.protocol)) {
    throw new UsageError(`source.uri "${uri}": unsupported scheme ${url.protocol.slice(0, -1)}; use http://, https:// or file://`);
  }
  if (url.protocol === 'file:' && url.hostname && url.hostname !== 'localhost') {
    throw new UsageError(`source.uri "${uri}": a file:// URI must name a local path (file:///path/to/stage.tar.xz)`);
  }
  if (checksum && !parseChecksum(checksum)) {
    throw new UsageError(`source.checksum "${checksum}": expected sha256:<64 hex digits> or sha512:<128 hex digits>`);
  }
}

async function downloadAndExtract(url: URL, shown: string, o: HttpSourceOptions, checksum: Checksum | undefined): Promise<SourceResult> {
  await mkdir(dirname(o.target), { recursive: true }).catch((e: Error) => { throw new Failure(`cannot create the directory of source.target: ${e.message}`); });
  const name = fileName(url) || basename(o.target);
  const digests = new Digests(checksum?.algorithm === 'sha512');
  const started = Date.now();
  const part = `${o.target}.part`;
  const result = await o.log.spin(`Downloading ${name}`, async (detail) => {
    const extraction = startExtraction(o.rootfs, { log: o.log, label: name, ...(o.signal ? { signal: o.signal } : {}) });
    try {
      const bytes = await download({
        url, shown, target: o.target, digests, extraction, log: o.log, ...(o.signal ? { signal: o.signal } : {}),
        retries: o.retries ?? 4, stallTimeoutMs: o.stallTimeoutMs ?? 60_000, backoffMs: o.backoffMs ?? 500,
        progress: throttled(detail, started),
      });
      const sums = digests.finish();
      const mismatch = checksum && mismatchOf(checksum, sums, shown);
      if (mismatch) {
        await rm(part, { force: true });           // corrupt: a resume would only extend it
        await dropRecord(o.target);
        throw mismatch;
      }
      const extracted = extraction.end();
      extracted.catch(() => {});                   // awaited below, after the target is in place
      if (o.signal?.aborted) throw abortError(o.signal);
      // The download is verified: keep it even if extraction fails (disk full, a broken archive).
      await rename(part, o.target);
      await writeRecord(o.target, {
        complete: true, url: shown, size: bytes, ...sums, date: new Date().toISOString(),
      } satisfies CompleteRecord);
      await extracted;
      return { reused: false, bytes, sha256: sums.sha256 };
    } catch (e) {
      await extraction.kill();
      throw o.signal?.aborted ? abortError(o.signal) : e;
    }
  });
  o.log.info(`Downloaded and extracted ${name} (${formatProgress(result.bytes, started)})`);
  return result;
}

/**
 * Extracts a local file (a file:// source, or a reused download) while hashing it. A reused
 * download must still hash to its record: otherwise the record goes, and the next run downloads again.
 */
async function extractFile(path: string, o: HttpSourceOptions, checksum: Checksum | undefined, record?: CompleteRecord): Promise<SourceResult> {
  const name = basename(path);
  const total = await stat(path).then((s) => s.size, (e: NodeJS.ErrnoException) => {
    throw new Failure(`cannot read ${path}: ${e.code === 'ENOENT' ? 'no such file; check source.uri' : e.message}`);
  });
  const digests = new Digests(checksum?.algorithm === 'sha512');
  const started = Date.now();
  const sha256 = await o.log.spin(`Extracting ${name}`, async (detail) => {
    const progress = throttled(detail, started);
    const extraction = startExtraction(o.rootfs, { log: o.log, label: name, ...(o.signal ? { signal: o.signal } : {}) });
    try {
      let bytes = 0;
      for await (const chunk of createReadStream(path, o.signal ? { signal: o.signal } : {}) as AsyncIterable<Buffer>) {
        digests.update(chunk);
        await extraction.write(chunk);
        progress(bytes += chunk.length, total);
      }
      const sums = digests.finish();
      if (record && sums.sha256 !== record.sha256) {
        await dropRecord(o.target);
        throw new Failure(`${path} changed since it was downloaded (sha256 ${sums.sha256}, recorded ${record.sha256}); run again to download it anew`);
      }
      const mismatch = checksum && mismatchOf(checksum, sums, o.uri);
      if (mismatch) throw mismatch;
      await extraction.end();
      return sums.sha256;
    } catch (e) {
      await extraction.kill();
      throw o.signal?.aborted ? abortError(o.signal) : e;
    }
  });
  o.log.info(`${record ? 'Reused' : 'Extracted'} ${name} (${formatProgress(total, started)})`);
  return { reused: record !== undefined, bytes: total, sha256 };
}

/** The record of target when target is a complete download of this URL, of the right size and checksum. */
async function trustedRecord(o: HttpSourceOptions, shown: string, checksum: Checksum | undefined): Promise<CompleteRecord | undefined> {
  const size = await stat(o.target).then((s) => (s.isFile() ? s.size : undefined), () => undefined);
  if (size === undefined) return undefined;
  const r = await readRecord(o.target);
  const redo = (why: string) => { o.log.warn(`${o.target} ${why}; downloading it again`); return undefined; };
  if (!r?.complete) return redo('has no record of a complete download (a partial download by another tool?)');
  if (r.url !== shown) return redo(`was downloaded from ${r.url}, not ${shown}`);
  if (r.size !== size) return redo(`has ${size} bytes where ${r.size} were downloaded`);
  if (checksum) {
    const known = r[checksum.algorithm] ?? (await hashFile(o.target, checksum.algorithm));
    if (known !== checksum.hex) return redo(`does not match source.checksum ${checksum.algorithm}:${checksum.hex}`);
  }
  return r;
}

function mismatchOf(c: Checksum, sums: { sha256: string; sha512?: string }, what: string): Failure | undefined {
  const actual = sums[c.algorithm];
  if (actual === c.hex) return undefined;
  return new Failure(`checksum mismatch for ${what}: expected ${c.algorithm}:${c.hex}, got ${c.algorithm}:${actual}`);
}

async function hashFile(path: string, algorithm: string): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The last segment of the URL's path, decoded when that is possible. */
function fileName(url: URL): string {
  const last = basename(url.pathname);
  try { return decodeURIComponent(last); } catch { return last; }
}

/** The URL as logged and recorded: without credentials or fragment. */
function showUrl(url: URL): string {
  const u = new URL(url.href);
  u.username = '';
  u.password = '';
  u.hash = '';
  return u.href;
}

/** Reports progress a few times a second at most (and always the last bytes). */
function throttled(detail: (d: string) => void, since: number): (bytes: number, total: number | undefined) => void {
  let last = 0;
  return (bytes, total) => {
    const now = Date.now();
    if (now - last < 250 && bytes !== total) return;
    last = now;
    detail(formatProgress(bytes, since, total));
  };
}
