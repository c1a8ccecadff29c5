import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TARBALL_SUFFIXES } from '../../../src/metro/compression.js';
import type { TarformersSpec } from '../../../src/metro/job.js';
import { digestsText } from '../../../src/metro/pack/digests.js';
import { compileFilter, filteredEntries } from '../../../src/metro/pack/filter.js';
import { validateOutput } from '../../../src/metro/pack/pack.js';
import { UsageError } from '../../../src/util/errors.js';

const spec = (s: Partial<TarformersSpec>): TarformersSpec => ({
  match_prefix: [], ignore_files: [], ignore_regexes: [], triggered_files: [], triggered_matches_prefix: [], rename: [],
  remap_uids: null, remap_gids: null, remap_users: null, remap_groups: null, same_owner: false, same_chtimes: false,
  map_entities: false, broken_links_fatal: false, enable_mutex: false, overwrite_perms: false, max_openfiles: 0,
  copy_buffer_size: 0, validate: false, writer: null, ...s,
});

const thrown = (f: () => void): Error => {
  try { f(); } catch (e) { return e as Error; }
  throw new Error('did not throw');
};

describe('validateOutput', () => {
  it('accepts tarball names', () => {
    for (const suffix of TARBALL_SUFFIXES) expect(() => validateOutput(`stage3${suffix}`)).not.toThrow();
  });

  it('rejects other names, listing the accepted suffixes', () => {
    const e = thrown(() => validateOutput('x.zip'));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toBe('output.name "x.zip" is not a tarball name: it must end in one of .tar.xz, .txz, .tar.zst, .tar.zstd, .tzst, .tar.gz, .tgz, .tar.bz2, .tbz2, .tar');
  });

  it('rejects ignore_regexes that RE2 does not accept, even when JavaScript would', () => {
    const e = thrown(() => validateOutput('x.tar', spec({ ignore_regexes: ['/dev/.*', 'a(?=b)'] })));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toBe('output.tarformers_specs.ignore_regexes[1] "a(?=b)" is not a valid RE2 regular expression: error parsing regexp: invalid or unsupported Perl syntax: `(?=`');
  });

  it('names the tools missing from PATH', () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const e = thrown(() => validateOutput('x.tar.zst'));
      expect(e).toBeInstanceOf(UsageError);
      expect(e.message).toBe('output.name "x.tar.zst" needs tar and zstd, which are not on PATH');
    } finally {
      process.env.PATH = path;
    }
  });
});

describe('digestsText', () => {
  it("lays out catalyst's DIGESTS: file by file, SHA512 then BLAKE2B", () => {
    expect(digestsText([['s.tar.xz', { sha512: 'aa', blake2b: 'bb' }], ['s.tar.xz.CONTENTS.gz', { sha512: 'cc', blake2b: 'dd' }]])).toBe(
      '# SHA512 HASH\naa  s.tar.xz\n# BLAKE2B HASH\nbb  s.tar.xz\n# SHA512 HASH\ncc  s.tar.xz.CONTENTS.gz\n# BLAKE2B HASH\ndd  s.tar.xz.CONTENTS.gz\n');
  });
});

describe('output filters (tar-formers IsPath2Skip)', () => {
  const skips = (s: Partial<TarformersSpec>, path: string | Buffer) => compileFilter(spec(s))!.skips(Buffer.from(path));

  it('filters nothing without lists', () => {
    expect(compileFilter(null)).toBeUndefined();
    expect(compileFilter(spec({ writer: { dirs: ['/x'], files: [] } }))).toBeUndefined();
  });

  it('match_prefix keeps only paths with a prefix; ignore_files and ignore_regexes then drop', () => {
    const s = { match_prefix: ['/ws/rootfs/etc'], ignore_files: ['/ws/rootfs/etc/shadow'], ignore_regexes: ['\\.bak$'] };
    expect(skips(s, '/ws/rootfs')).toBe(true);
    expect(skips(s, '/ws/rootfs/usr')).toBe(true);
    expect(skips(s, '/ws/rootfs/etc')).toBe(false);
    expect(skips(s, '/ws/rootfs/etc-old')).toBe(false); // a plain string prefix, as strings.HasPrefix
    expect(skips(s, '/ws/rootfs/etc/shadow')).toBe(true);
    expect(skips(s, '/ws/rootfs/etc/shadow-')).toBe(false);
    expect(skips(s, '/ws/rootfs/etc/fstab.bak')).toBe(true);
  });

  it('matches regexes unanchored, on the bytes of names that are not UTF-8', () => {
    expect(skips({ ignore_regexes: ['/dev/.*'] }, '/ws/rootfs/dev')).toBe(false);
    expect(skips({ ignore_regexes: ['/dev/.*'] }, '/ws/rootfs/dev/null')).toBe(true);
    expect(skips({ ignore_regexes: ['^/ws/rootfs/bad.name$'] }, Buffer.from([...Buffer.from('/ws/rootfs/bad'), 0xff, ...Buffer.from('name')]))).toBe(true);
    expect(skips({ ignore_files: ['/ws/rootfs/café'] }, '/ws/rootfs/café')).toBe(true);
  });

  describe('filteredEntries', () => {
    const root = mkdtempSync(join(tmpdir(), 'prefixkit-filter-'));
    afterAll(() => rmSync(root, { recursive: true, force: true }));
    for (const d of ['a/x', 'B', '_']) mkdirSync(join(root, d), { recursive: true });
    writeFileSync(join(root, 'a/x/f'), '');
    writeFileSync(Buffer.from([...Buffer.from(root), ...Buffer.from('/'), 0xff]), '');

    const list = async (s: Partial<TarformersSpec>) => {
      const warnings: string[] = [];
      const out: string[] = [];
      for (const e of filteredEntries(root, compileFilter(spec(s))!, (w) => warnings.push(w))) out.push(e.toString('latin1'));
      expect(warnings).toEqual([]);
      return out;
    };

    it('walks depth first in byte order; an ignored directory keeps its entries, as in tar-formers', async () => {
      expect(await list({ ignore_files: [join(root, 'a')] })).toEqual(['.', './B', './_', './a/x', './a/x/f', './\xff']);
    });

    it('judges the root like any other path', async () => {
      expect(await list({ match_prefix: [`${root}/a/`] })).toEqual(['./a/x', './a/x/f']);
    });
  });
});
