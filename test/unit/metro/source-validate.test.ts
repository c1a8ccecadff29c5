import { describe, expect, it } from 'vitest';
import { parseChecksum } from '../../../src/metro/source/checksum.js';
import { validateHttpSource } from '../../../src/metro/source/http.js';
import { UsageError } from '../../../src/util/errors.js';

const SHA256 = 'ab'.repeat(32);
const SHA512 = 'cd'.repeat(64);

describe('validateHttpSource', () => {
  it('accepts http, https and local file URIs, with or without a checksum', () => {
    for (const uri of ['http://example.org/stage3.tar.xz?token=abc', 'https://u:p@example.org/s.tar.zst', 'file:///srv/stage3.tar', 'file://localhost/srv/s.tar']) {
      expect(() => validateHttpSource(uri)).not.toThrow();
    }
    expect(() => validateHttpSource('http://h/s', `sha256:${SHA256}`)).not.toThrow();
    expect(() => validateHttpSource('http://h/s', `SHA512:${SHA512.toUpperCase()}`)).not.toThrow();
    expect(() => validateHttpSource('http://h/s', '')).not.toThrow();   // an unset spec field
  });

  it('rejects other schemes, non-URLs and remote file URIs with one line naming the field', () => {
    const usage = (uri: string, checksum?: string) => { try { validateHttpSource(uri, checksum); } catch (e) { expect(e).toBeInstanceOf(UsageError); return (e as Error).message; } return 'accepted'; };
    expect(usage('ftp://h/s.tar')).toBe('source.uri "ftp://h/s.tar": unsupported scheme ftp; use http://, https:// or file://');
    expect(usage('stage3.tar.xz')).toBe('source.uri "stage3.tar.xz" is not a URL; use http://, https:// or file://');
    expect(usage('file://server/share/s.tar')).toMatch(/^source\.uri "file:\/\/server\/share\/s\.tar": a file:\/\/ URI must name a local path/);
    expect(usage('http://h/s', 'md5:abc')).toBe('source.checksum "md5:abc": expected sha256:<64 hex digits> or sha512:<128 hex digits>');
    expect(usage('http://h/s', `sha256:${SHA256}0`)).toMatch(/^source\.checksum /);
    expect(usage('http://h/s', `sha512:${SHA256}`)).toMatch(/^source\.checksum /);
  });
});

describe('parseChecksum', () => {
  it('lower-cases the algorithm and the digest', () => {
    expect(parseChecksum(`SHA256:${SHA256.toUpperCase()}`)).toEqual({ algorithm: 'sha256', hex: SHA256 });
    expect(parseChecksum(`sha512:${SHA512}`)).toEqual({ algorithm: 'sha512', hex: SHA512 });
    expect(parseChecksum('sha1:abc')).toBeUndefined();
  });
});
