import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, createReadStream, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Compression } from '../../../src/metro/compression.js';
import { extractTarball } from '../../../src/metro/source/extract.js';
import { fetchAndExtract, type HttpSourceOptions } from '../../../src/metro/source/http.js';
import { Failure } from '../../../src/util/errors.js';
import { Log } from '../../../src/util/log.js';
import { startHttpServer, type TestServer } from '../../support/http-server.js';
import { makeBusyboxRootfs, makeTarball, OLD_MTIME } from '../../support/rootfs.js';

// Real downloads from a loopback server into real GNU tar and compressors, as root.
const TMP = mkdtempSync(join(tmpdir(), 'prefixkit-source-'));
const WWW = join(TMP, 'www');
const NAMES: Record<Compression, string> = { xz: 'stage.tar.xz', zstd: 'stage.tar.zst', gzip: 'stage.tar.gz', bzip2: 'stage.tar.bz2', none: 'stage.tar' };
let server: TestServer;
let n = 0;

const sha = (algo: string, path: string) => createHash(algo).update(readFileSync(path)).digest('hex');
const served = (name: string) => join(WWW, name);

/** A fresh rootfs and cache dir, and the options to download `name` into them. */
function job(name = NAMES.xz, extra: Partial<HttpSourceOptions> = {}) {
  const dir = join(TMP, `job${++n}`);
  mkdirSync(join(dir, 'rootfs'), { recursive: true });
  const lines: string[] = [];
  const out = new Writable({ write(chunk, _enc, done) { lines.push(...String(chunk).replace(/\x1b\[[0-9;]*m/g, '').split('\n').filter(Boolean)); done(); } });
  const log = new Log(false, out as unknown as NodeJS.WriteStream);
  const o: HttpSourceOptions = {
    uri: `${server.url}/${name}`, target: join(dir, 'cache', name), rootfs: join(dir, 'rootfs'), log,
    retries: 3, backoffMs: 10, stallTimeoutMs: 2000, ...extra,
  };
  return { dir, o, lines, rootfs: o.rootfs, target: o.target, part: `${o.target}.part`, record: `${o.target}.prefixkit.json` };
}

/** What extraction must keep of test/support/rootfs.ts. */
function expectFaithful(rootfs: string): void {
  const at = (p: string) => join(rootfs, p);
  expect(statSync(at('srv/data'))).toMatchObject({ uid: 250, gid: 250 });
  expect(statSync(at('usr/bin/suid')).mode & 0o7777).toBe(0o4755);
  expect(statSync(at('tmp')).mode & 0o7777).toBe(0o1777);
  expect(statSync(at('etc/os-release')).mtime.getTime()).toBe(OLD_MTIME.getTime());
  expect(execFileSync('getfattr', ['--only-values', '-n', 'user.prefixkit', at('srv/data')], { encoding: 'utf8' })).toBe('kept');
  expect(execFileSync('getfacl', ['-p', at('srv')], { encoding: 'utf8' })).toContain('user:250:rwx');
  const dev = (p: string) => execFileSync('stat', ['-c', '%F %t:%T %a %u:%g', at(p)], { encoding: 'utf8' }).trim();
  expect(dev('dev/null')).toBe('character special file 1:3 666 0:0');
  expect(dev('dev/console')).toBe('character special file 5:1 600 0:0');
  expect(dev('dev/loop7')).toBe('block special file 7:7 660 0:6');
  expect(lstatSync(at('var/tmp/fifo')).isFIFO()).toBe(true);
  expect(lstatSync(at('var/tmp/fifo')).mode & 0o7777).toBe(0o620);
  expect(statSync(at('srv/data.hardlink')).ino).toBe(statSync(at('srv/data')).ino);
  expect(readlinkSync(at('bin/sh'))).toBe('busybox');
  expect(readFileSync(at('bin/busybox')).equals(readFileSync('/bin/busybox'))).toBe(true);
}

/** The tools we spawn are children of this worker; none may outlive an extraction. */
const childTools = () => execFileSync('ps', ['-o', 'comm=', '--ppid', String(process.pid)], { encoding: 'utf8' })
  .split('\n').filter((c) => /^(tar|xz|zstd|pigz|gzip|lbzip2|bzip2)$/.test(c.trim()));

/** The start of each request's Range (undefined: none). */
const rangeStarts = () => server.requests.map((q) => (q.range ? Number(/^bytes=(\d+)-$/.exec(q.range)![1]) : undefined));
/** A dropped connection may lose what Node buffered but we had not read yet; the server lingers so that is rare. */
const expectResumedWithin = (start: number | undefined, sent: number) => {
  expect(start).toBeGreaterThan(0);
  expect(start).toBeLessThanOrEqual(sent);
};

const waitFor = async (cond: () => boolean, ms = 5000) => {
  for (const until = Date.now() + ms; !cond(); await new Promise((r) => setTimeout(r, 10))) {
    if (Date.now() > until) throw new Error('timed out waiting');
  }
};

beforeAll(async () => {
  const root = join(TMP, 'stage-root');
  makeBusyboxRootfs(root);
  mkdirSync(WWW);
  for (const [c, name] of Object.entries(NAMES)) makeTarball(root, served(name), c as Compression);
  server = await startHttpServer(WWW);
});
afterAll(async () => {
  await server?.close();
  rmSync(TMP, { recursive: true, force: true });
});
beforeEach(() => server.reset());

describe('http source: download and extraction', () => {
  for (const [c, name] of Object.entries(NAMES)) {
    it(`extracts a ${c === 'none' ? 'plain' : c} tarball while downloading it, keeping owners, modes, mtimes, xattrs, ACLs, devices, FIFOs and links`, async () => {
      const j = job(name);
      const r = await fetchAndExtract(j.o);
      expect(r).toEqual({ reused: false, bytes: statSync(served(name)).size, sha256: sha('sha256', served(name)) });
      expectFaithful(j.rootfs);
      expect(readFileSync(j.target).equals(readFileSync(served(name)))).toBe(true);
      expect(existsSync(j.part)).toBe(false);
      expect(JSON.parse(readFileSync(j.record, 'utf8'))).toMatchObject({ complete: true, url: j.o.uri, size: r.bytes, sha256: r.sha256 });
      expect(server.requests).toHaveLength(1);
      expect(j.lines.at(-1)).toMatch(new RegExp(`^Downloaded and extracted ${name.replaceAll('.', '\\.')} \\(.* at .*/s\\)$`));
    });
  }

  it('keeps the query string and follows redirects', async () => {
    const j = job(NAMES.zstd, { uri: `${server.url}/moved?token=abc&x=1` });
    server.queue({ kind: 'redirect', to: `/${NAMES.zstd}?token=abc&x=1` });
    const r = await fetchAndExtract(j.o);
    expect(server.requests.map((q) => q.path + q.search)).toEqual(['/moved?token=abc&x=1', `/${NAMES.zstd}?token=abc&x=1`]);
    expect(r.sha256).toBe(sha('sha256', served(NAMES.zstd)));
    expect(readlinkSync(join(j.rootfs, 'bin/sh'))).toBe('busybox');
  });

  it('gives up on a redirect loop with one line', async () => {
    const j = job('loop');
    server.always({ kind: 'redirect', to: '/loop' });
    await expect(fetchAndExtract(j.o)).rejects.toThrow(/^http:\/\/127\.0\.0\.1:\d+\/loop: more than 10 redirects; check source\.uri$/);
    expect(server.requests).toHaveLength(11);
  });

  it('prints nothing when the log is quiet', async () => {
    const j = job(NAMES.gzip);
    const out: string[] = [];
    const log = new Log(true, new Writable({ write(c, _e, done) { out.push(String(c)); done(); } }) as unknown as NodeJS.WriteStream);
    await fetchAndExtract({ ...j.o, log });
    expect(out).toEqual([]);
  });

  it('resumes a dropped connection with a Range request, and the extraction sees the whole file', async () => {
    const j = job();
    server.queue({ kind: 'drop', after: 100_000 });
    const r = await fetchAndExtract(j.o);
    const [first, second] = rangeStarts();
    expect(first).toBeUndefined();
    expectResumedWithin(second, 100_000);
    expect(server.requests[1]!.headers['if-range']).toMatch(/^"/);   // the ETag of the first answer
    expect(r.sha256).toBe(sha('sha256', served(NAMES.xz)));
    expectFaithful(j.rootfs);
    expect(j.lines).toContain(`warning: ${j.o.uri}: aborted; retrying in 10 ms from byte ${second}`);
  });

  it('fails when the server keeps dropping, keeps the .part, and the next run resumes it', async () => {
    const j = job();
    server.queue({ kind: 'drop', after: 50_000 });
    server.always({ kind: 'drop', after: 0 });
    const e = await fetchAndExtract({ ...j.o, retries: 2 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Failure);
    expect((e as Error).message).toMatch(/^downloading http:\/\/127\.0\.0\.1:\d+\/stage\.tar\.xz failed 3 times in a row: .*; check the network and the server \(.*\.part is kept and resumed next time\)$/);
    expect(server.requests).toHaveLength(3);   // the first moved forward: two retries after it
    expect(existsSync(j.target)).toBe(false);
    const kept = statSync(j.part).size;
    expectResumedWithin(kept, 50_000);
    expect(JSON.parse(readFileSync(j.record, 'utf8'))).toMatchObject({ complete: false, url: j.o.uri });

    server.reset();
    rmSync(j.rootfs, { recursive: true });   // the caller discards a failed rootfs
    mkdirSync(j.rootfs);
    const r = await fetchAndExtract(j.o);
    expect(rangeStarts()).toEqual([kept]);
    expect(r).toMatchObject({ reused: false, sha256: sha('sha256', served(NAMES.xz)) });
    expectFaithful(j.rootfs);
  });

  it('restarts from zero when the server ignores Range, checking that the bytes already fed are the same', async () => {
    const j = job(NAMES.gzip);
    server.queue({ kind: 'drop', after: 70_000 }, { kind: 'ignore-range' });
    const r = await fetchAndExtract(j.o);
    expect(rangeStarts()[0]).toBeUndefined();
    expectResumedWithin(rangeStarts()[1], 70_000);
    expect(r.sha256).toBe(sha('sha256', served(NAMES.gzip)));
    expectFaithful(j.rootfs);
  });

  it('does not resume a .part whose file changed on the server (If-Range), nor one without a record', async () => {
    const j = job(NAMES.gzip);
    mkdirSync(join(j.dir, 'cache'));
    writeFileSync(j.part, Buffer.alloc(3000, 1));
    writeFileSync(j.record, JSON.stringify({ complete: false, url: j.o.uri, validator: '"an-older-version"' }));
    const r = await fetchAndExtract(j.o);
    expect(server.requests.map((q) => [q.range, q.headers['if-range']])).toEqual([['bytes=3000-', '"an-older-version"']]);
    expect(r.sha256).toBe(sha('sha256', served(NAMES.gzip)));
    expect(j.lines.join('\n')).toContain('changed on the server since');

    const k = job(NAMES.gzip);
    mkdirSync(join(k.dir, 'cache'));
    writeFileSync(k.part, Buffer.alloc(3000, 1));   // e.g. left by a crash before the record was written
    server.reset();
    expect((await fetchAndExtract(k.o)).sha256).toBe(r.sha256);
    expect(server.requests.map((q) => q.range)).toEqual([undefined]);
  });

  it('finishes a complete .part that was never renamed (416)', async () => {
    const j = job();
    mkdirSync(join(j.dir, 'cache'));
    copyFileSync(served(NAMES.xz), j.part);
    writeFileSync(j.record, JSON.stringify({ complete: false, url: j.o.uri }));
    const r = await fetchAndExtract(j.o);
    expect(server.requests.map((q) => q.range)).toEqual([`bytes=${r.bytes}-`]);
    expect(r.sha256).toBe(sha('sha256', served(NAMES.xz)));
    expect(existsSync(j.target)).toBe(true);
    expectFaithful(j.rootfs);
  });

  it('verifies sha256 and sha512 checksums', async () => {
    const a = job(NAMES.xz, { checksum: `sha256:${sha('sha256', served(NAMES.xz))}` });
    expect((await fetchAndExtract(a.o)).reused).toBe(false);
    const b = job(NAMES.xz, { checksum: `SHA512:${sha('sha512', served(NAMES.xz)).toUpperCase()}` });
    expect((await fetchAndExtract(b.o)).sha256).toBe(sha('sha256', served(NAMES.xz)));
    expect(JSON.parse(readFileSync(b.record, 'utf8')).sha512).toBe(sha('sha512', served(NAMES.xz)));
  });

  it('refuses a checksum mismatch: no target, the corrupt .part removed', async () => {
    const wrong = 'sha256:' + '0'.repeat(64);
    const j = job(NAMES.xz, { checksum: wrong });
    const e = await fetchAndExtract(j.o).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Failure);
    expect((e as Error).message).toBe(`checksum mismatch for ${j.o.uri}: expected ${wrong}, got sha256:${sha('sha256', served(NAMES.xz))}`);
    expect(existsSync(j.target)).toBe(false);
    expect(existsSync(j.part)).toBe(false);
    expect(existsSync(j.record)).toBe(false);
    expect(childTools()).toEqual([]);
  });

  it('reuses a complete download without any request, and checks it while extracting', async () => {
    const j = job();
    await fetchAndExtract(j.o);
    server.reset();
    rmSync(j.rootfs, { recursive: true });
    mkdirSync(j.rootfs);
    const r = await fetchAndExtract({ ...j.o, checksum: `sha256:${sha('sha256', served(NAMES.xz))}` });
    expect(r).toEqual({ reused: true, bytes: statSync(served(NAMES.xz)).size, sha256: sha('sha256', served(NAMES.xz)) });
    expect(server.requests).toEqual([]);
    expectFaithful(j.rootfs);
    expect(j.lines.at(-1)).toMatch(/^Reused stage\.tar\.xz \(/);

    // Same size, other bytes: the record no longer vouches for it, and the next run downloads again.
    const bytes = readFileSync(j.target);
    bytes[bytes.length - 100]! ^= 0xff;
    writeFileSync(j.target, bytes);
    const e = await fetchAndExtract(j.o).catch((x: unknown) => x);
    expect((e as Error).message).toMatch(/stage\.tar\.xz changed since it was downloaded \(sha256 \w+, recorded \w+\); run again to download it anew$/);
    expect(existsSync(j.record)).toBe(false);
    expect(server.requests).toEqual([]);
  });

  it('never trusts a target without a record (a partial mark-devkit download): downloads and replaces it', async () => {
    const j = job();
    mkdirSync(join(j.dir, 'cache'));
    writeFileSync(j.target, readFileSync(served(NAMES.xz)).subarray(0, 20_000));
    const r = await fetchAndExtract(j.o);
    expect(r.reused).toBe(false);
    expect(server.requests).toHaveLength(1);
    expect(readFileSync(j.target).equals(readFileSync(served(NAMES.xz)))).toBe(true);
    expect(j.lines.join('\n')).toContain(`${j.target} has no record of a complete download`);
    expectFaithful(j.rootfs);
  });

  it('a 404 is one clear line naming the URL; nothing is left behind', async () => {
    const j = job('missing.tar.xz');
    const e = await fetchAndExtract(j.o).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Failure);
    expect((e as Error).message).toBe(`downloading ${j.o.uri} failed: HTTP 404 Not Found; check source.uri (does the file exist on the server?)`);
    expect(server.requests).toHaveLength(1);
    expect(readdirSync(join(j.dir, 'cache'))).toEqual([]);
  });

  it('retries 503 answers with backoff', async () => {
    const j = job(NAMES.none);
    server.queue({ kind: 'status', status: 503 }, { kind: 'status', status: 503 });
    const r = await fetchAndExtract(j.o);
    expect(server.requests).toHaveLength(3);
    expect(r.sha256).toBe(sha('sha256', served(NAMES.none)));
    expect(j.lines.filter((l) => l.includes('HTTP 503 Service Unavailable; retrying in'))).toHaveLength(2);

    const k = job(NAMES.none, { retries: 1 });
    server.always({ kind: 'status', status: 500 });
    await expect(fetchAndExtract(k.o)).rejects.toThrow(/failed 2 times in a row: HTTP 500 Internal Server Error/);
  });

  it('a stall shorter than the timeout is fine; a longer one is a network error, resumed by a retry', async () => {
    const j = job(NAMES.xz, { stallTimeoutMs: 600 });
    server.queue({ kind: 'stall', ms: 200, after: 30_000 });
    await fetchAndExtract(j.o);
    expect(server.requests).toHaveLength(1);

    const k = job(NAMES.xz, { stallTimeoutMs: 200, retries: 0 });
    server.reset();
    server.queue({ kind: 'stall', ms: 3000, after: 30_000 });
    const started = Date.now();
    await expect(fetchAndExtract(k.o)).rejects.toThrow(/failed: no data for 200 ms; check the network/);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(statSync(k.part).size).toBe(30_000);
    expect(existsSync(k.target)).toBe(false);

    const l = job(NAMES.xz, { stallTimeoutMs: 200 });
    server.reset();
    server.queue({ kind: 'stall', ms: 3000, after: 30_000 });
    expect((await fetchAndExtract(l.o)).sha256).toBe(sha('sha256', served(NAMES.xz)));
    expect(server.requests.map((q) => q.range)).toEqual([undefined, 'bytes=30000-']);
  });

  it('stops at once on abort: the tools are killed, the .part is kept, no target', async () => {
    const j = job();
    server.queue({ kind: 'stall', ms: 10_000, after: 40_000 });
    const ac = new AbortController();
    const running = fetchAndExtract({ ...j.o, signal: ac.signal }).catch((x: unknown) => x);
    await waitFor(() => existsSync(j.part) && statSync(j.part).size === 40_000);
    await waitFor(() => childTools().length === 2);        // xz and tar are at work
    const started = Date.now();
    ac.abort();
    const e = await running;
    expect((e as Error).name).toBe('AbortError');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(childTools()).toEqual([]);
    expect(existsSync(j.target)).toBe(false);
    expect(statSync(j.part).size).toBe(40_000);
  });

  it('file:// extracts the local file in place and verifies its checksum', async () => {
    const j = job(NAMES.bzip2, { uri: pathToFileURL(served(NAMES.bzip2)).href, checksum: `sha256:${sha('sha256', served(NAMES.bzip2))}` });
    const r = await fetchAndExtract(j.o);
    expect(r).toEqual({ reused: false, bytes: statSync(served(NAMES.bzip2)).size, sha256: sha('sha256', served(NAMES.bzip2)) });
    expectFaithful(j.rootfs);
    expect(existsSync(join(j.dir, 'cache'))).toBe(false);

    const bad = job(NAMES.bzip2, { uri: j.o.uri, checksum: `sha256:${'1'.repeat(64)}` });
    await expect(fetchAndExtract(bad.o)).rejects.toThrow(/^checksum mismatch for file:.*: expected sha256:1{64}, got sha256:/);
    const missing = job(NAMES.bzip2, { uri: pathToFileURL(join(TMP, 'nope.tar')).href });
    await expect(fetchAndExtract(missing.o)).rejects.toThrow(/^cannot read .*nope\.tar: no such file; check source\.uri$/);
  });

  it('a corrupt archive is one line with the tool\'s complaint', async () => {
    const bytes = readFileSync(served(NAMES.xz));
    for (let i = 5000; i < 6000; i++) bytes[i] = 0;
    writeFileSync(served('corrupt.tar.xz'), bytes);
    const j = job('corrupt.tar.xz');
    const e = await fetchAndExtract(j.o).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Failure);
    expect((e as Error).message).toMatch(/^cannot extract corrupt\.tar\.xz into .*rootfs: xz: \(stdin\): Compressed data is corrupt$/);
    expect(childTools()).toEqual([]);
    // tar stopped reading, so the download stopped too; what arrived stays for a resume.
    expect(existsSync(j.target)).toBe(false);
    expect(existsSync(j.part)).toBe(true);

    writeFileSync(served('page.html'), '<html>not a tarball</html>\n');
    await expect(fetchAndExtract(job('page.html').o)).rejects.toThrow(/^cannot extract page\.html into .*: tar: This does not look like a tar archive$/);
  });
});

describe('extractTarball', () => {
  it('extracts from a stream too, detecting the compression by its magic bytes', async () => {
    const rootfs = mkdtempSync(join(TMP, 'stream-'));
    await extractTarball(createReadStream(served(NAMES.zstd)), rootfs, { log: new Log(true) });
    expectFaithful(rootfs);
  });

  it('stops on abort and kills its tools', async () => {
    const rootfs = mkdtempSync(join(TMP, 'stream-'));
    const ac = new AbortController();
    const input = new PassThrough();
    const running = extractTarball(input, rootfs, { log: new Log(true), signal: ac.signal }).catch((x: unknown) => x);
    input.write(readFileSync(served(NAMES.xz)).subarray(0, 50_000));   // then nothing more: the tools wait
    await waitFor(() => childTools().length === 2);
    ac.abort();
    expect(((await running) as Error).name).toBe('AbortError');
    expect(childTools()).toEqual([]);
  });
});

describe('extraction of hostile tarballs writes nothing outside the rootfs', () => {
  const OUT = join(TMP, 'outside');
  const tarball = (name: string, members: unknown[]) => {
    const path = join(TMP, `${name}.tar`);
    const py = `
import io, json, sys, tarfile
with tarfile.open(sys.argv[1], 'w', format=tarfile.PAX_FORMAT) as t:
    for kind, name, arg in json.loads(sys.argv[2]):
        ti = tarfile.TarInfo(name)
        if kind == 'file':
            data = arg.encode(); ti.size = len(data); t.addfile(ti, io.BytesIO(data))
        else:
            ti.type = {'sym': tarfile.SYMTYPE, 'hard': tarfile.LNKTYPE, 'dir': tarfile.DIRTYPE}[kind]
            ti.linkname = arg; ti.mode = 0o777; t.addfile(ti)
`;
    execFileSync('python3', ['-c', py, path, JSON.stringify(members)]);
    return path;
  };
  const outside = () => readdirSync(OUT).sort().map((f) => `${f}:${readFileSync(join(OUT, f), 'utf8')}:${statSync(join(OUT, f)).mode.toString(8)}`);
  const cases: Array<[string, unknown[]]> = [
    ['dot-dot names', [['file', '../outside/evil', 'x'], ['file', 'a/../../outside/evil2', 'x']]],
    ['absolute names', [['file', `${OUT}/evil`, 'x']]],
    ['a symlink to an absolute outside dir, then a file through it', [['sym', 'esc', OUT], ['file', 'esc/evil', 'x']]],
    ['a symlink to ../outside, then a file through it', [['sym', 'esc', '../outside'], ['file', 'esc/evil', 'x']]],
    ['a chain of symlinks, then a file through it', [['sym', 'a', '.'], ['sym', 'b', 'a/a/..'], ['file', 'b/outside/evil', 'x']]],
    ['a symlink to a relative link to outside, then a file through it', [['sym', 'x', 'y'], ['sym', 'y', OUT], ['file', 'x/evil', 'x']]],
    ['a symlink to the canary, then a file over it', [['sym', 'c', `${OUT}/canary`], ['file', 'c', 'pwned']]],
    ['a symlink to outside, then a directory entry chmod-ing it', [['sym', 'd', OUT], ['dir', 'd', '']]],
    ['a hard link to the canary by ..', [['hard', 'hl', '../outside/canary'], ['file', 'hl', 'pwned']]],
    ['a hard link to the canary by absolute name', [['hard', 'hl', `${OUT}/canary`], ['file', 'hl', 'pwned']]],
  ];

  beforeAll(() => {
    mkdirSync(OUT);
    writeFileSync(join(OUT, 'canary'), 'canary\n', { mode: 0o600 });
  });

  for (const [what, members] of cases) {
    it(what, async () => {
      const path = tarball(what.replace(/\W+/g, '-'), members);
      const before = outside();
      const rootfs = mkdtempSync(join(TMP, 'hostile-'));
      const log = new Log(true);
      // Refusing the archive is fine too (the caller discards the rootfs); writing outside is not.
      const e = await extractTarball(path, rootfs, { log }).then(() => undefined, (x: unknown) => x);
      if (e) expect((e as Error).message).toMatch(/^cannot extract .* into .*: tar: /);
      expect(outside()).toEqual(before);
      expect(existsSync(join(OUT, 'evil'))).toBe(false);
    });
  }
});
