/**
 * Catalyst's `<tarball>.DIGESTS` (catalyst/base/genbase.py `gen_digest_file`): for the tarball and
 * then its CONTENTS.gz, one `# <HASH> HASH` comment line and one `<hex>  <file name>` line per
 * hash, so `sha512sum`/`b2sum` users can pick their line. Hashes are computed while the bytes
 * stream to disk, never by reading the file again.
 */
import { createHash, type Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

export interface Digest { readonly sha512: string; readonly blake2b: string }

/** Copies a stream into an open file, hashing and counting; the for-await loop gives backpressure. */
export async function writeHashed(from: AsyncIterable<Buffer>, out: FileHandle, progress?: (bytes: number) => void): Promise<{ bytes: number; digest: Digest }> {
  const hasher = new Hasher();
  let bytes = 0;
  for await (const chunk of from) {
    hasher.update(chunk);
    for (let at = 0; at < chunk.length;) at += (await out.write(chunk, at)).bytesWritten;
    bytes += chunk.length;
    progress?.(bytes);
  }
  return { bytes, digest: hasher.digest() };
}

/** The DIGESTS text for files given by base name, in catalyst's order: file by file, hash by hash. */
export function digestsText(files: ReadonlyArray<readonly [name: string, digest: Digest]>): string {
  return files.map(([name, d]) => `# SHA512 HASH\n${d.sha512}  ${name}\n# BLAKE2B HASH\n${d.blake2b}  ${name}\n`).join('');
}

/** Both hashes of a byte stream, fed chunk by chunk. BLAKE2b-512 is what b2sum prints. */
class Hasher {
  private readonly sha512: Hash = createHash('sha512');
  private readonly blake2b: Hash = createHash('blake2b512');

  update(chunk: Uint8Array): void {
    this.sha512.update(chunk);
    this.blake2b.update(chunk);
  }

  digest(): Digest {
    return { sha512: this.sha512.digest('hex'), blake2b: this.blake2b.digest('hex') };
  }
}
