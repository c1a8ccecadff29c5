/**
 * The job's `source.checksum` ('sha256:<hex>' or 'sha512:<hex>') and the running digests of a
 * download. sha256 is always computed (it is the cache record's identity); sha512 only when asked.
 */
import { createHash, type Hash } from 'node:crypto';

export type Algorithm = 'sha256' | 'sha512';
export interface Checksum { readonly algorithm: Algorithm; readonly hex: string }

const FORMAT = /^(sha256):([0-9a-f]{64})$|^(sha512):([0-9a-f]{128})$/i;

/** The parsed checksum; undefined when malformed (validateHttpSource turns that into a UsageError). */
export function parseChecksum(text: string): Checksum | undefined {
  const m = FORMAT.exec(text.trim());
  if (!m) return undefined;
  return { algorithm: (m[1] ?? m[3])!.toLowerCase() as Algorithm, hex: (m[2] ?? m[4])!.toLowerCase() };
}

/** sha256 of every byte fed, plus sha512 when the checksum needs it. */
export class Digests {
  private readonly sha256: Hash;
  private readonly sha512: Hash | undefined;

  constructor(withSha512: boolean) {
    this.sha256 = createHash('sha256');
    this.sha512 = withSha512 ? createHash('sha512') : undefined;
  }

  update(chunk: Uint8Array): void {
    this.sha256.update(chunk);
    this.sha512?.update(chunk);
  }

  /** The sha256 so far, without ending the running hash. */
  peek(): string {
    return this.sha256.copy().digest('hex');
  }

  /** Hex digests of everything fed; ends the hashes. */
  finish(): { sha256: string; sha512?: string } {
    return { sha256: this.sha256.digest('hex'), ...(this.sha512 ? { sha512: this.sha512.digest('hex') } : {}) };
  }
}
