/**
 * The record kept next to a download target, `<target>.prefixkit.json`. mark-devkit wrote straight
 * to the target, so a bare file there may be a partial download: a target is reused only when its
 * record says it is complete. While `<target>.part` grows, the record names the URL and the
 * server's version of the file (ETag or Last-Modified), so a resume never splices two files.
 */
import { readFile, rm } from 'node:fs/promises';
import { writeAtomic } from '../../util/fs.js';

export interface PartialRecord {
  readonly complete: false;
  readonly url: string;
  /** A strong ETag or a Last-Modified date, sent as If-Range when resuming. */
  readonly validator?: string;
}

export interface CompleteRecord {
  readonly complete: true;
  readonly url: string;
  readonly size: number;
  readonly sha256: string;
  readonly sha512?: string;
  /** When the download finished (ISO 8601). */
  readonly date: string;
}

export type SourceRecord = PartialRecord | CompleteRecord;

const recordPath = (target: string) => `${target}.prefixkit.json`;

/** The record of target; undefined when there is none or it is not ours. */
export async function readRecord(target: string): Promise<SourceRecord | undefined> {
  try {
    const r = JSON.parse(await readFile(recordPath(target), 'utf8')) as SourceRecord;
    return typeof r.url === 'string' && typeof r.complete === 'boolean' ? r : undefined;
  } catch {
    return undefined;
  }
}

export async function writeRecord(target: string, r: SourceRecord): Promise<void> {
  await writeAtomic(recordPath(target), `${JSON.stringify(r, null, 2)}\n`);
}

export async function dropRecord(target: string): Promise<void> {
  await rm(recordPath(target), { force: true });
}
