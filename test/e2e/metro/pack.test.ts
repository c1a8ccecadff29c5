import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressionOfMagic, type Compression } from '../../../src/metro/compression.js';
import type { TarformersSpec } from '../../../src/metro/job.js';
import { packRootfs } from '../../../src/metro/pack/pack.js';
import { CommandFailed, Failure } from '../../../src/util/errors.js';
import { formatBytes, Log } from '../../../src/util/log.js';
import { makeBusyboxRootfs } from '../../support/rootfs.js';

// Packs real busybox root file systems with the real GNU tar and compressors (needs root), then
// checks the results with the real tools: tar listings, extraction, getfattr, getfacl, sha512sum, b2sum.

class TestLog extends Log {
  readonly warnings: string[] = [];
  readonly spins: string[] = [];
  readonly details: string[] = [];
  constructor() { super(true); }
  override warn(msg: string): void { this.warnings.push(msg); }
  override spin<T>(text: string, work: (detail: (d: string) => void) => Promise<T>): Promise<T> {
    this.spins.push(text);
    return work((d) => this.details.push(d));
  }
}

const tool = (file: string, args: readonly string[], cwd?: string) =>
  execFileSync(file, args, { encoding: 'utf8', env: { ...process.env, TZ: 'UTC', LC_ALL: 'C.UTF-8' }, ...(cwd ? { cwd } : {}) });
const names = (tarball: string) => tool('tar', ['-tf', tarball]).split('\n').filter(Boolean);

let work: string;
beforeAll(() => { work = mkdtempSync(join(tmpdir(), 'prefixkit-pack-')); });
afterAll(() => rmSync(work, { recursive: true, force: true }));

let count = 0;
/** A fresh busybox rootfs, created 0700 as the run pipeline creates it. */
function rootfs(): string {
  const root = join(work, `rootfs${++count}`);
  mkdirSync(root, { mode: 0o700 });
  chmodSync(root, 0o700);
  makeBusyboxRootfs(root);
  return root;
}

const spec = (s: Partial<TarformersSpec>): TarformersSpec => ({
  match_prefix: [], ignore_files: [], ignore_regexes: [], triggered_files: [], triggered_matches_prefix: [], rename: [],
  remap_uids: null, remap_gids: null, remap_users: null, remap_groups: null, same_owner: false, same_chtimes: false,
  map_entities: false, broken_links_fatal: false, enable_mutex: false, overwrite_perms: false, max_openfiles: 0,
  copy_buffer_size: 0, validate: false, writer: null, ...s,
});

/** Everything tar should carry over, per entry, in walk order. */
function manifest(root: string): string[] {
  const out: string[] = [];
  const visit = (rel: string) => {
    const st = lstatSync(join(root, rel), { bigint: true });
    const link = st.isSymbolicLink() ? ` -> ${readlinkSync(join(root, rel))}` : '';
    const size = st.isFile() ? ` size=${st.size}` : '';
    const mtime = st.isSymbolicLink() ? '' : ` mtime=${st.mtimeNs}`;
    out.push(`${rel} mode=${st.mode.toString(8)} owner=${st.uid}:${st.gid} nlink=${st.nlink} rdev=${st.rdev}${size}${mtime}${link}`);
    if (st.isDirectory()) for (const name of readdirSync(join(root, rel)).sort()) visit(`${rel}/${name}`);
  };
  visit('.');
  return out;
}

describe('packRootfs output formats', () => {
  const FORMATS: ReadonlyArray<readonly [string, Compression]> = [
    ['.tar.xz', 'xz'], ['.tar.zst', 'zstd'], ['.tar.gz', 'gzip'], ['.tar.bz2', 'bzip2'], ['.tar', 'none'],
  ];
  let root: string;
  beforeAll(() => { root = rootfs(); });

  for (const [suffix, compression] of FORMATS) {
    it(`packs ${suffix} with devices, FIFO, hard link, setuid, owners, mtimes, xattrs and ACLs`, async () => {
      const out = join(work, `out${suffix}`);
      const name = `stage3-amd64${suffix}`;
      const log = new TestLog();
      const r = await packRootfs({ rootfs: root, dir: out, name, log });

      expect(r.path).toBe(join(out, name));
      expect(readdirSync(out).sort()).toEqual([name, `${name}.CONTENTS.gz`, `${name}.DIGESTS`]);
      const bytes = readFileSync(r.path);
      expect(r.bytes).toBe(bytes.length);
      expect(compressionOfMagic(bytes.subarray(0, 6))).toBe(compression);
      expect(log.warnings).toEqual([]);
      expect(log.spins).toEqual([`Packing ${name}`]);
      expect(log.details.at(-1)).toMatch(/^[\d.]+ [KMG]?i?B at [\d.]+ [KMG]?i?B\/s$/);
      expect(log.details.at(-1)!.startsWith(`${formatBytes(r.bytes)} at `)).toBe(true);

      const listing = tool('tar', ['-tvv', '--numeric-owner', '-f', r.path]);
      expect(listing.split('\n')[0]).toMatch(/^drwxr-xr-x 0\/0 +0 [\d-]+ [\d:]+ \.\/$/);
      expect(listing).toMatch(/^crw------- 0\/0 +5,1 .* \.\/dev\/console$/m);
      expect(listing).toMatch(/^brw-rw---- 0\/6 +7,7 .* \.\/dev\/loop7$/m);
      expect(listing).toMatch(/^crw-rw-rw- 0\/0 +1,3 .* \.\/dev\/null$/m);
      expect(listing).toMatch(/^prw--w---- 0\/0 .* \.\/var\/tmp\/fifo$/m);
      expect(listing).toMatch(/^hrw-r--r-- 250\/250 .* \.\/srv\/data\.hardlink link to \.\/srv\/data$/m);
      expect(listing).toMatch(/^-rwsr-xr-x 0\/0 .* \.\/usr\/bin\/suid$/m);
      expect(listing).toMatch(/^-rw-r--r-- 0\/0 +\d+ 2020-02-02 02:02 \.\/etc\/os-release$/m);
      expect(listing).toMatch(/^lrwxrwxrwx 0\/0 .* \.\/bin\/sh -> busybox$/m);

      // Extracted with the real tar, the tree is the original, down to the nanosecond mtime.
      const scratch = join(work, `x${suffix}`);
      mkdirSync(scratch);
      tool('tar', ['-xp', '--xattrs', '--xattrs-include=*', '--acls', '--numeric-owner', '-C', scratch, '-f', r.path]);
      expect(manifest(scratch)).toEqual(manifest(root));
      expect(lstatSync(join(scratch, 'srv/data.hardlink')).ino).toBe(lstatSync(join(scratch, 'srv/data')).ino);
      const xattrs = tool('getfattr', ['-R', '-h', '-d', '-m', '-', '.'], root);
      expect(xattrs).toContain('user.prefixkit="kept"');
      expect(tool('getfattr', ['-R', '-h', '-d', '-m', '-', '.'], scratch)).toBe(xattrs);
      const acls = tool('getfacl', ['-R', '-P', '.'], root);
      expect(acls).toContain('user:250:rwx');
      expect(tool('getfacl', ['-R', '-P', '.'], scratch)).toBe(acls);

      // DIGESTS: catalyst's layout, for the tarball and then its CONTENTS.gz, as the real tools hash them.
      const sum = (cmd: string, f: string) => tool(cmd, [f]).split(' ')[0];
      const contentsGz = `${r.path}.CONTENTS.gz`;
      expect(readFileSync(`${r.path}.DIGESTS`, 'utf8')).toBe(
        `# SHA512 HASH\n${sum('sha512sum', r.path)}  ${name}\n# BLAKE2B HASH\n${sum('b2sum', r.path)}  ${name}\n` +
        `# SHA512 HASH\n${sum('sha512sum', contentsGz)}  ${name}.CONTENTS.gz\n# BLAKE2B HASH\n${sum('b2sum', contentsGz)}  ${name}.CONTENTS.gz\n`);
      expect([r.sha512, r.blake2b]).toEqual([sum('sha512sum', r.path), sum('b2sum', r.path)]);

      // CONTENTS.gz: what `tar --xattrs --acls -tvf` says about the archive, one line per entry.
      const contents = gunzipSync(readFileSync(contentsGz)).toString();
      expect(contents).toBe(tool('tar', ['--xattrs', '--acls', '--numeric-owner', '-tvf', r.path]));
      expect(contents.trimEnd().split('\n')).toHaveLength(manifest(root).length);
      rmSync(scratch, { recursive: true });
    });
  }

  it('understands the short suffixes (.txz, .tgz, .tbz2, .tzst, .tar.zstd)', async () => {
    const out = join(work, 'short');
    for (const [name, compression] of [['s.txz', 'xz'], ['s.tgz', 'gzip'], ['s.tbz2', 'bzip2'], ['s.tzst', 'zstd'], ['s.tar.zstd', 'zstd']] as const) {
      const r = await packRootfs({ rootfs: root, dir: out, name, log: new TestLog() });
      expect(compressionOfMagic(readFileSync(r.path).subarray(0, 6))).toBe(compression);
      expect(names(r.path)).toContain('./bin/busybox');
    }
  });

  it('gives the same bytes for the same tree (sorted, no atime/ctime records)', async () => {
    const a = await packRootfs({ rootfs: root, dir: join(work, 'repro-a'), name: 'r.tar', log: new TestLog() });
    execFileSync('cat', [join(root, 'bin/busybox')], { stdio: 'ignore' }); // a new atime
    const b = await packRootfs({ rootfs: root, dir: join(work, 'repro-b'), name: 'r.tar', log: new TestLog() });
    expect(b.sha512).toBe(a.sha512);
  });
});

describe('packRootfs skips what tar cannot or must not archive', () => {
  it('skips a socket with a warning, with and without filters', async () => {
    const root = rootfs();
    execFileSync('python3', ['-c', 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', join(root, 'tmp/sock')]);
    for (const tarformers of [null, spec({ ignore_files: [join(root, 'nothing')] })]) {
      const log = new TestLog();
      const r = await packRootfs({ rootfs: root, dir: join(work, 'sock'), name: 's.tar.gz', tarformers, log });
      expect(log.warnings).toEqual(['./tmp/sock: a socket; not packed (tar cannot archive sockets)']);
      expect(names(r.path)).not.toContain('./tmp/sock');
      expect(names(r.path)).toContain('./tmp/');
    }
  });

  it('does not pack what is mounted inside the rootfs', async () => {
    const root = rootfs();
    mkdirSync(join(root, 'mnt'));
    execFileSync('mount', ['-t', 'tmpfs', 'tmpfs', join(root, 'mnt')]);
    try {
      writeFileSync(join(root, 'mnt/host-file'), 'not ours\n');
      for (const tarformers of [null, spec({ ignore_files: [join(root, 'nothing')] })]) {
        const log = new TestLog();
        const r = await packRootfs({ rootfs: root, dir: join(work, 'mount'), name: 'm.tar', tarformers, log });
        expect(log.warnings).toEqual(['./mnt: on another file system (a mount point?); not packed']);
        // As GNU tar does, the mount point stays (an empty directory), its contents do not.
        expect(names(r.path).filter((n) => n.startsWith('./mnt'))).toEqual(['./mnt/']);
      }
    } finally {
      execFileSync('umount', [join(root, 'mnt')]);
    }
  });
});

describe('packRootfs honours output.tarformers_specs like tar-formers', () => {
  let root: string;
  let all: string[];
  beforeAll(async () => {
    root = rootfs();
    all = names((await packRootfs({ rootfs: root, dir: join(work, 'f-all'), name: 'all.tar', log: new TestLog() })).path);
  });
  const pack = async (tarformers: TarformersSpec, log = new TestLog()) =>
    (await packRootfs({ rootfs: root, dir: join(work, 'filtered'), name: 'f.tar', tarformers, log })).path;

  it('ignore_files drops exactly those host paths; a hard link to a dropped file keeps its data', async () => {
    const path = await pack(spec({ ignore_files: [join(root, 'usr/bin/suid'), join(root, 'srv/data'), join(root, 'etc')] }));
    // As in tar-formers, an ignored directory's entries stay.
    expect(names(path)).toEqual(all.filter((n) => !['./usr/bin/suid', './srv/data', './etc/'].includes(n)));
    expect(tool('tar', ['-tvv', '--numeric-owner', '-f', path])).toMatch(/^-rw-r--r-- 250\/250 +17 .* \.\/srv\/data\.hardlink$/m);
    expect(tool('tar', ['-xOf', path, './srv/data.hardlink'])).toBe('owned by 250:250\n');
  });

  it('ignore_regexes match anywhere in the absolute host path (Go RE2)', async () => {
    const path = await pack(spec({ ignore_regexes: ['/dev/.*', `^${root}/bin/s[h]$`, '(?i)/OS-RELEASE$'] }));
    expect(names(path)).toEqual(all.filter((n) => !['./dev/console', './dev/loop7', './dev/null', './bin/sh', './etc/os-release'].includes(n)));
  });

  it('match_prefix keeps only paths with one of the prefixes, the root included', async () => {
    const path = await pack(spec({ match_prefix: [`${root}/etc`, `${root}/srv/`], ignore_files: [`${root}/etc/group`] }));
    expect(names(path)).toEqual(['./etc/', './etc/os-release', './etc/passwd', './srv/data', './srv/data.hardlink']);
    const contents = gunzipSync(readFileSync(`${path}.CONTENTS.gz`)).toString().trimEnd().split('\n');
    expect(contents.map((l) => / (\.\/\S*)/.exec(l)![1])).toEqual(['./etc/', './etc/os-release', './etc/passwd', './srv/data', './srv/data.hardlink']);
  });

  it('warns that writer.dirs, writer.files and rename are not supported', async () => {
    const log = new TestLog();
    const path = await pack(spec({ writer: { dirs: ['/extra'], files: ['/x'] }, rename: [{ source: '/a', dest: '/b' }] }), log);
    expect(log.warnings).toEqual([
      'output.tarformers_specs.writer.dirs is not supported and is ignored: only the rootfs is packed (/extra)',
      'output.tarformers_specs.writer.files is not supported and is ignored: only the rootfs is packed (/x)',
      'output.tarformers_specs.rename is not supported and is ignored: entries keep their rootfs names',
    ]);
    expect(names(path)).toEqual(all);
  });

  it('refuses filters that leave nothing to pack', async () => {
    const dir = join(work, 'f-none');
    await expect(packRootfs({ rootfs: root, dir, name: 'n.tar', tarformers: spec({ ignore_regexes: ['/(bin|dev|etc|proc|root|srv|sys|tmp|usr|var)'] }), log: new TestLog() }))
      .rejects.toThrow(/^refusing to pack an empty tarball: output.tarformers_specs filters out every entry of /);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('packRootfs failures leave no output and no temp file', () => {
  const OLD = { 'o.tar.xz': 'old tarball', 'o.tar.xz.DIGESTS': 'old digests', 'o.tar.xz.CONTENTS.gz': 'old contents' };
  let root: string;
  let fakebin: string;
  beforeAll(() => {
    root = rootfs();
    fakebin = join(work, 'fakebin');
    mkdirSync(fakebin);
  });
  const oldOutput = (dir: string) => {
    mkdirSync(dir);
    for (const [name, text] of Object.entries(OLD)) writeFileSync(join(dir, name), text);
  };
  const unchanged = (dir: string) => Object.fromEntries(readdirSync(dir).map((n) => [n, readFileSync(join(dir, n), 'utf8')]));
  const withFake = async (tool: string, script: string, test: () => Promise<void>) => {
    writeFileSync(join(fakebin, tool), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    const path = process.env.PATH;
    process.env.PATH = `${fakebin}:${path}`;
    try { await test(); } finally { process.env.PATH = path; rmSync(join(fakebin, tool)); }
  };

  it('refuses an empty rootfs', async () => {
    const empty = join(work, 'empty');
    mkdirSync(empty);
    const dir = join(work, 'out-empty');
    const e = await packRootfs({ rootfs: empty, dir, name: 'e.tar.xz', log: new TestLog() }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Failure);
    expect((e as Error).message).toBe(`refusing to pack an empty rootfs (${empty}): the source phase was skipped or produced nothing`);
    expect(existsSync(dir)).toBe(false);
  });

  it('a failing compressor: names it with its stderr, keeps the previous output', async () => {
    const dir = join(work, 'out-fail');
    oldOutput(dir);
    await withFake('xz', 'echo "xz: fake failure" >&2\nexit 1', async () => {
      const e = await packRootfs({ rootfs: root, dir, name: 'o.tar.xz', log: new TestLog() }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(CommandFailed);
      expect((e as Error).message).toBe('"xz -T0 -c" exited 1:\nxz: fake failure');
    });
    expect(unchanged(dir)).toEqual(OLD);
  });

  it('a failing tar: names it with its stderr, keeps the previous output', async () => {
    const dir = join(work, 'out-tar2');
    oldOutput(dir);
    await withFake('tar', 'echo "tar: ./x: Cannot open: Permission denied" >&2\necho "tar: Exiting with failure status due to previous errors" >&2\nexit 2', async () => {
      const e = await packRootfs({ rootfs: root, dir, name: 'o.tar.xz', log: new TestLog() }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(CommandFailed);
      expect((e as Error).message).toMatch(/^"tar --create --file=- --directory=\S+ .*" exited 2:\ntar: \.\/x: Cannot open: Permission denied\ntar: Exiting with failure status due to previous errors$/);
    });
    expect(unchanged(dir)).toEqual(OLD);
  });

  it('tar exit 1 (files changed while read) is a warning, not a failure', async () => {
    const log = new TestLog();
    const dir = join(work, 'out-tar1');
    await withFake('tar', '/usr/bin/tar "$@" || exit\necho "tar: ./etc/os-release: file changed as we read it" >&2\nexit 1', async () => {
      await packRootfs({ rootfs: root, dir, name: 'o.tar.gz', log });
    });
    expect(names(join(dir, 'o.tar.gz'))).toContain('./etc/os-release');
    expect(log.warnings).toEqual([
      'tar: ./etc/os-release: file changed as we read it',
      'tar exited 1: some files changed while they were being packed; the archive holds them as tar read them',
    ]);
  });

  it('reports a file system error in one line', async () => {
    writeFileSync(join(work, 'a-file'), '');
    const e = await packRootfs({ rootfs: root, dir: join(work, 'a-file/out'), name: 'o.tar', log: new TestLog() }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Failure);
    expect((e as Error).message).toBe(`packing ${join(work, 'a-file/out/o.tar')} failed: ENOTDIR: not a directory, mkdir '${join(work, 'a-file/out')}'`);
  });

  it('refuses an output dir inside the rootfs', async () => {
    await expect(packRootfs({ rootfs: root, dir: join(root, 'var/out'), name: 'o.tar', log: new TestLog() }))
      .rejects.toThrow(`output.dir ${join(root, 'var/out')} is inside the rootfs ${root}: the tarball would pack itself`);
    expect(existsSync(join(root, 'var/out'))).toBe(false);
  });

  for (const filtered of [false, true]) {
    it(`abort kills tar and the compressor (with its children), and leaves nothing${filtered ? ' (filtered list)' : ''}`, async () => {
      const dir = join(work, `out-abort-${filtered}`);
      oldOutput(dir);
      const pids = join(work, `pids-${filtered}`);
      const tarformers = filtered ? spec({ ignore_files: [join(root, 'nothing')] }) : null;
      await withFake('xz', `sleep 600 &\necho $! $$ > ${pids}\nwait`, async () => {
        const abort = new AbortController();
        const packing = packRootfs({ rootfs: root, dir, name: 'o.tar.xz', tarformers, log: new TestLog(), signal: abort.signal }).catch((x: unknown) => x);
        await until(() => existsSync(pids) && readFileSync(pids, 'utf8').includes(' '));
        const tars = processesWith(`--directory=${root}`);
        expect(tars).toHaveLength(1);
        expect(readdirSync(dir).filter((n) => n.endsWith('.part')).length).toBeGreaterThan(0);
        const reason = new Error('stop');
        abort.abort(reason);
        expect(await packing).toBe(reason);
        const children = [...readFileSync(pids, 'utf8').trim().split(' ').map(Number), ...tars];
        await until(() => children.every((pid) => !alive(pid)));
      });
      expect(unchanged(dir)).toEqual(OLD);
    });
  }

  it('an abort before packing starts does nothing', async () => {
    const dir = join(work, 'out-early');
    const abort = new AbortController();
    abort.abort(new Error('early'));
    await expect(packRootfs({ rootfs: root, dir, name: 'o.tar', log: new TestLog(), signal: abort.signal })).rejects.toThrow('early');
    expect(existsSync(dir)).toBe(false);
  });
});

async function until(check: () => boolean, ms = 5000): Promise<void> {
  for (const end = Date.now() + ms; !check(); await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() > end) throw new Error('timed out waiting');
  }
}

/** Live processes whose command line contains `text`. */
function processesWith(text: string): number[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number).filter((pid) => {
    try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text) && alive(pid); } catch { return false; }
  });
}

/** Running, not a zombie waiting for a reaper. */
function alive(pid: number): boolean {
  try { return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; }
}
