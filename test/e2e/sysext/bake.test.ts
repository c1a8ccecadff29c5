import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeBake, formatBakePlan, planBake, type BakeOptions, type BakePlan } from '../../../src/sysext/bake.js';
import { Failure, UsageError } from '../../../src/util/errors.js';
import { Log } from '../../../src/util/log.js';
import { makeTinyPrefix, PKDEMO } from '../../support/tiny-prefix.js';

// Bakes a real tiny prefix (gcc-built hello, glibc, loader) with the real mksquashfs and mkfs.erofs
// (needs root for the overlay staging), then reads the images back with unsquashfs, fsck.erofs and
// systemd-dissect.

class TestLog extends Log {
  readonly warnings: string[] = [];
  readonly spins: string[] = [];
  readonly infos: string[] = [];
  constructor() { super(true); }
  override warn(msg: string): void { this.warnings.push(msg); }
  override info(msg: string): void { this.infos.push(msg); }
  override spin<T>(text: string, work: (detail: (d: string) => void) => Promise<T>): Promise<T> {
    this.spins.push(text);
    return work(() => {});
  }
}

const tool = (file: string, args: readonly string[]) => execFileSync(file, args, { encoding: 'utf8', env: { ...process.env, TZ: 'UTC', LC_ALL: 'C.UTF-8' } });
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const RELEASE = 'usr/lib/extension-release.d/extension-release.pkdemo';

let work: string;
let tree: string;
let before: string[];
let count = 0;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'prefixkit-bake-'));
  tree = join(work, 'tree');
  mkdirSync(tree, { mode: 0o750 });
  chmodSync(tree, 0o750);
  makeTinyPrefix(tree);
  // Beyond the prefix: a hard link, a symlink, odd modes, an opt/ part, a pre-existing usr/lib with its own mode.
  const p = join(tree, PKDEMO);
  linkSync(join(p, 'usr/bin/hello'), join(p, 'usr/bin/hello-again'));
  symlinkSync('hello', join(p, 'usr/bin/hi'));
  writeFileSync(join(p, 'secret'), 'not for everyone\n', { mode: 0o600 });
  mkdirSync(join(tree, 'opt/pkdemo'), { recursive: true });
  writeFileSync(join(tree, 'opt/pkdemo/README'), 'read me\n');
  mkdirSync(join(tree, 'usr/lib'), { mode: 0o711 });
  chmodSync(join(tree, 'usr/lib'), 0o711);
  writeFileSync(join(tree, 'usr/lib/libdemo.txt'), 'lib\n');
  before = manifest(tree);
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
  if (driverPath) rmSync(join(driverPath, '..'), { recursive: true, force: true });
});

/** Every entry of a tree with what a bake could change: type, mode, size, content, link, mtime and ctime to the ns. */
function manifest(root: string): string[] {
  const out: string[] = [];
  const visit = (rel: string) => {
    const path = join(root, rel);
    const st = lstatSync(path, { bigint: true });
    const what = st.isSymbolicLink() ? `-> ${readlinkSync(path)}` : st.isFile() ? sha(path) : '';
    out.push(`${rel} ${st.mode.toString(8)} ${st.size} ${st.mtimeNs} ${st.ctimeNs} ${st.nlink} ${what}`);
    if (st.isDirectory()) for (const e of readdirSync(path).sort()) visit(rel ? `${rel}/${e}` : e);
  };
  visit('');
  return out;
}

function outDir(): string {
  const dir = join(work, `out${++count}`);
  mkdirSync(dir);
  return dir;
}

const opts = (o: Partial<BakeOptions> = {}): BakeOptions => ({
  input: tree, name: 'pkdemo', format: 'squashfs', os: '_any', outputDir: outDir(), force: false, protect: ['usr/sbin'], ...o,
});

async function bake(o: Partial<BakeOptions> = {}): Promise<{ plan: BakePlan; image: string; sha256: string; bytes: number; log: TestLog }> {
  const plan = await planBake(opts(o));
  const log = new TestLog();
  return { plan, log, ...(await executeBake(plan, log)) };
}

/** The UsageError planBake throws for these options. */
async function refusal(o: Partial<BakeOptions>): Promise<string> {
  const e = await planBake(opts(o)).then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(UsageError);
  return (e as Error).message;
}

/** A tree with only the tiny prefix in it, plus whatever `extra` adds. */
function smallTree(extra: (root: string) => void = () => {}): string {
  const root = join(work, `tree${++count}`);
  mkdirSync(join(root, 'usr/local/x'), { recursive: true });
  writeFileSync(join(root, 'usr/local/x/hello.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
  extra(root);
  return root;
}

/** The staged tree by other means: a copy with the release file added. The image tool must see the same. */
function copyWithRelease(text: string): string {
  const copy = join(work, `copy${++count}`);
  cpSync(tree, copy, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
  chmodSync(copy, lstatSync(tree).mode & 0o7777);
  mkdirSync(join(copy, 'usr/lib/extension-release.d'), { mode: 0o755 });
  chmodSync(join(copy, 'usr/lib/extension-release.d'), 0o755);
  writeFileSync(join(copy, RELEASE), text, { mode: 0o644 });
  // cpSync breaks hard links; restore the one the tree has.
  rmSync(join(copy, PKDEMO, 'usr/bin/hello-again'));
  linkSync(join(copy, PKDEMO, 'usr/bin/hello'), join(copy, PKDEMO, 'usr/bin/hello-again'));
  return copy;
}

function dissect(image: string): { useSystemExtension: boolean; extensionRelease?: string[] } {
  return JSON.parse(tool('systemd-dissect', ['--json=short', image])) as { useSystemExtension: boolean; extensionRelease?: string[] };
}

describe('sysext bake: squashfs', () => {
  let r: Awaited<ReturnType<typeof bake>>;
  beforeAll(async () => { r = await bake(); });

  it('writes the release file into the image, with ARCHITECTURE from the ELF files', () => {
    expect(r.plan.releaseText).toBe('ID=_any\nARCHITECTURE=x86-64\n');
    expect(r.plan.archSource).toMatch(/ELF files/);
    expect(tool('unsquashfs', ['-cat', r.image, RELEASE])).toBe(r.plan.releaseText);
  });

  it('owns everything by root with 1970 mtimes, keeps modes, links and the tree layout', () => {
    const lines = tool('unsquashfs', ['-lls', r.image]).split('\n').filter((l) => l.includes('squashfs-root'));
    expect(lines.length).toBeGreaterThan(10);
    for (const l of lines) expect(l).toMatch(/ root\/root +\d+ 1970-01-01 00:00 /);
    const entry = (p: string) => lines.find((l) => l.endsWith(`squashfs-root/${p}`) || l.includes(`squashfs-root/${p} -> `));
    expect(lines.find((l) => l.endsWith(' squashfs-root'))).toMatch(/^drwxr-x---/); // the input root's mode
    expect(entry('usr/lib')).toMatch(/^drwx--x--x/); // shadowed by the release layer, mode kept
    expect(entry('usr/lib/extension-release.d')).toMatch(/^drwxr-xr-x/);
    expect(entry(RELEASE)).toMatch(/^-rw-r--r--/);
    expect(entry(`${PKDEMO.slice(1)}/secret`)).toMatch(/^-rw-------/);
    expect(entry(`${PKDEMO.slice(1)}/usr/bin/hi`)).toMatch(/^lrwxrwxrwx.* -> hello$/);
    expect(entry('opt/pkdemo/README')).toBeDefined();
  });

  it('is what systemd-dissect takes as a system extension with our release', () => {
    const d = dissect(r.image);
    expect(d.useSystemExtension).toBe(true);
    expect(d.extensionRelease).toEqual(['ID=_any', 'ARCHITECTURE=x86-64']);
  });

  it('writes NAME.raw.sha256 and a summary with the install hint', () => {
    expect(r.sha256).toBe(sha(r.image));
    expect(r.bytes).toBe(lstatSync(r.image).size);
    expect(readFileSync(`${r.image}.sha256`, 'utf8')).toBe(`${r.sha256}  pkdemo.raw\n`);
    expect(readdirSync(r.plan.image.replace(/\/[^/]+$/, '')).sort()).toEqual(['pkdemo.raw', 'pkdemo.raw.sha256']);
    const text = r.log.infos.join('\n');
    for (const s of ['Baked pkdemo.raw', 'format:  squashfs', r.sha256, 'ARCHITECTURE=x86-64', '/var/lib/extensions/pkdemo.raw', '/etc/extensions/pkdemo.raw', 'systemd-sysext refresh']) expect(text).toContain(s);
    expect(r.log.spins).toEqual(['building pkdemo.raw (squashfs)']);
  });

  it('builds exactly what the tool builds from a copy of the tree plus the release file', () => {
    const copy = copyWithRelease(r.plan.releaseText);
    const plain = join(work, 'plain.squashfs');
    execFileSync('mksquashfs', [copy, plain, '-all-root', '-noappend', '-no-xattrs', '-quiet', '-no-progress'], { env: { ...process.env, SOURCE_DATE_EPOCH: '0' } });
    expect(sha(plain)).toBe(r.sha256);
  });
});

describe('sysext bake: erofs', () => {
  let r: Awaited<ReturnType<typeof bake>>;
  beforeAll(async () => { r = await bake({ format: 'erofs', os: 'flatcar' }); });

  it('passes fsck.erofs and extracts the tree with the release file', () => {
    const out = join(work, 'extracted');
    expect(spawnSync('fsck.erofs', [r.image]).status).toBe(0);
    tool('fsck.erofs', [`--extract=${out}`, r.image]);
    expect(readFileSync(join(out, RELEASE), 'utf8')).toBe('ID=flatcar\nSYSEXT_LEVEL=1.0\nARCHITECTURE=x86-64\n');
    expect(readFileSync(join(out, 'opt/pkdemo/README'), 'utf8')).toBe('read me\n');
    const hello = lstatSync(join(out, PKDEMO, 'usr/bin/hello'));
    expect([hello.uid, hello.gid, hello.mode & 0o7777, hello.mtimeMs]).toEqual([0, 0, 0o755, 0]);
    // fsck.erofs 1.5 extracts hard links as copies; the image has one inode with two links.
    const again = tool('dump.erofs', [`--path=${PKDEMO}/usr/bin/hello-again`, r.image]);
    expect(again).toMatch(/Links: 2 /);
    expect(/NID: (\d+)/.exec(again)![1]).toBe(/NID: (\d+)/.exec(tool('dump.erofs', [`--path=${PKDEMO}/usr/bin/hello`, r.image]))![1]);
    expect(lstatSync(join(out, 'usr/lib')).mode & 0o7777).toBe(0o711);
  });

  it('has the zero UUID and is a system extension for systemd-dissect', () => {
    expect(tool('dump.erofs', ['-s', r.image])).toMatch(/UUID:\s+00000000-0000-0000-0000-000000000000/);
    const d = dissect(r.image);
    expect(d.useSystemExtension).toBe(true);
    expect(d.extensionRelease).toEqual(['ID=flatcar', 'SYSEXT_LEVEL=1.0', 'ARCHITECTURE=x86-64']);
  });

  it('builds exactly what mkfs.erofs builds from a copy of the tree plus the release file', () => {
    const copy = copyWithRelease(r.plan.releaseText);
    const plain = join(work, 'plain.erofs');
    execFileSync(r.plan.toolArgv[0]!, [...r.plan.toolArgv.slice(1, -2), plain, copy], { env: { ...process.env, SOURCE_DATE_EPOCH: '0' } });
    expect(sha(plain)).toBe(r.sha256);
  });
});

describe('sysext bake: reproducible, and the input stays as it was', () => {
  for (const format of ['squashfs', 'erofs'] as const) {
    it(`gives identical ${format} bytes twice, and after touching every input file`, async () => {
      const first = await bake({ format });
      const second = await bake({ format });
      const copy = join(work, `touched-${format}`);
      cpSync(tree, copy, { recursive: true, verbatimSymlinks: true }); // new mtimes everywhere, same content
      chmodSync(copy, 0o750);
      rmSync(join(copy, PKDEMO, 'usr/bin/hello-again'));
      linkSync(join(copy, PKDEMO, 'usr/bin/hello'), join(copy, PKDEMO, 'usr/bin/hello-again'));
      for (const e of manifest(copy)) { const p = join(copy, e.split(' ')[0]!); if (!lstatSync(p).isSymbolicLink()) utimesSync(p, new Date(), new Date()); }
      const touched = await bake({ format, input: copy });
      expect(second.sha256).toBe(first.sha256);
      expect(touched.sha256).toBe(first.sha256);
      const epoch = await bake({ format, sourceDateEpoch: 1700000000 });
      expect(epoch.sha256).not.toBe(first.sha256);
    });
  }

  it('never writes into the input tree (content, modes and mtimes unchanged)', () => {
    expect(manifest(tree)).toEqual(before);
    expect(existsSync(join(tree, 'usr/lib/extension-release.d'))).toBe(false);
  });

  it('leaves no mount behind', () => {
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(work);
  });
});

describe('sysext bake: refusals', () => {
  it('lists every offending path of a hostile tree in one error', async () => {
    const bad = smallTree((root) => {
      mkdirSync(join(root, 'etc'));
      writeFileSync(join(root, 'etc/app.conf'), 'x\n');
      writeFileSync(join(root, 'top-file'), 'x\n');
      mkdirSync(join(root, 'usr/lib/extension-release.d'), { recursive: true });
      writeFileSync(join(root, 'usr/lib/os-release'), 'ID=gentoo\n');
      writeFileSync(join(root, 'usr/lib/extension-release.d/extension-release.other'), 'ID=_any\n');
      writeFileSync(join(root, 'usr/lib/extension-release.d/extension-release.third'), 'ID=_any\n');
      mkdirSync(join(root, 'usr/sbin'));
      mkdirSync(join(root, 'opt/x/bin'), { recursive: true });
    });
    const msg = await refusal({ input: bad, protect: ['usr/sbin', '/opt/x/bin/'] });
    expect(msg.split('\n')[0]).toBe(`cannot bake pkdemo.raw from ${bad} (4 problems):`);
    expect(msg).toContain('only usr/ and opt/ are merged by systemd-sysext; remove from the tree: etc/, top-file');
    expect(msg).toContain('usr/lib/os-release is in the tree');
    expect(msg).toContain('protected paths are in the tree (they would hide the host\'s symlink there): usr/sbin, opt/x/bin');
    expect(msg).toContain('release files for other names are in the tree (the image is "pkdemo"; remove them or bake with that --name): usr/lib/extension-release.d/extension-release.other, usr/lib/extension-release.d/extension-release.third');
    expect(readdirSync(bad).sort()).toEqual(['etc', 'opt', 'top-file', 'usr']);
  });

  it('refuses an empty tree, a missing input and a file as input', async () => {
    const empty = join(work, 'empty');
    mkdirSync(join(empty, 'usr'), { recursive: true });
    expect(await refusal({ input: empty })).toBe(`cannot bake pkdemo.raw from ${empty}: nothing to merge: ${empty} has no files under usr/ or opt/`);
    expect(await refusal({ input: join(work, 'nope') })).toBe(`cannot bake pkdemo.raw from ${join(work, 'nope')}: input ${join(work, 'nope')} does not exist`);
    expect(await refusal({ input: join(tree, PKDEMO, 'secret') })).toContain('is a file, not a directory');
  });

  it('refuses a bad name, arch, OS ID, version and a named OS without a level, all at once', async () => {
    const msg = await refusal({ name: 'bad/name', arch: 'riscv', os: 'Fedora!', versionId: '1 2' });
    expect(msg).toMatch(/^cannot bake bad\/name\.raw from .* \(4 problems\):$/m);
    expect(msg).toContain('"bad/name" is not a valid image name');
    expect(msg).toContain('--arch "riscv" is not a systemd architecture; valid: alpha, arc,');
    expect(msg).toContain('x86-64, x32, _any');
    expect(msg).toContain('--os "Fedora!" is not a valid os-release ID');
    expect(msg).toContain('--version-id "1 2" is not valid');
    expect(await refusal({ os: 'debian' })).toMatch(/--os debian needs --sysext-level or --version-id/);
    expect(await refusal({ name: 'pkdemo.raw' })).toContain('give the name without .raw');
  });

  it('refuses an existing image without --force, and replaces it with --force', async () => {
    const outputDir = outDir();
    writeFileSync(join(outputDir, 'pkdemo.raw'), 'old');
    expect(await refusal({ outputDir })).toBe(`cannot bake pkdemo.raw from ${tree}: ${join(outputDir, 'pkdemo.raw')} exists: pass --force to replace it`);
    const r = await bake({ outputDir, force: true });
    expect(readFileSync(join(outputDir, 'pkdemo.raw.sha256'), 'utf8')).toBe(`${r.sha256}  pkdemo.raw\n`);
    expect(sha(join(outputDir, 'pkdemo.raw'))).toBe(r.sha256);
  });

  it('names the Debian package of a missing tool', async () => {
    const path = process.env.PATH;
    process.env.PATH = join(work, 'no-such-bin'); // the sbin directories are still searched; these tools live in /usr/bin
    try {
      const msg = await refusal({ format: 'erofs' });
      expect(msg).toContain('mkfs.erofs is not installed (needed for --format erofs): apt-get install erofs-utils');
      expect(msg).toContain('unshare is not installed (needed to stage the tree): apt-get install util-linux');
    } finally {
      process.env.PATH = path;
    }
  });

  it('creates a missing output directory like mkdir -p, and refuses one a file stands in the way of', async () => {
    const nested = join(outDir(), 'images/v1');
    const r = await bake({ outputDir: nested });
    expect(r.image).toBe(join(nested, 'pkdemo.raw'));
    expect(readdirSync(nested).sort()).toEqual(['pkdemo.raw', 'pkdemo.raw.sha256']);
    const blocked = outDir();
    writeFileSync(join(blocked, 'file'), '');
    expect(await refusal({ outputDir: join(blocked, 'file/sub') })).toContain(`output directory ${join(blocked, 'file/sub')} cannot be created: ${join(blocked, 'file')} is a file`);
  });

  it('refuses an output directory inside the input, and a release dir that is a symlink', async () => {
    expect(await refusal({ outputDir: join(tree, 'usr') })).toContain('is inside the input tree');
    const linked = smallTree((root) => { mkdirSync(join(root, 'usr/lib64')); symlinkSync('lib64', join(root, 'usr/lib')); });
    expect(await refusal({ input: linked })).toContain('usr/lib is a symlink: the release file needs a real directory usr/lib/extension-release.d');
  });
});

describe('sysext bake: architecture', () => {
  it('maps aliases and keeps systemd names', async () => {
    for (const [arch, want] of [['amd64', 'x86-64'], ['x86_64', 'x86-64'], ['aarch64', 'arm64'], ['arm64-usr', 'arm64'], ['_any', '_any']]) {
      expect((await planBake(opts({ arch }))).release.ARCHITECTURE).toBe(want);
    }
  });

  it('falls back to the host without ELF files, and warns about a mix', async () => {
    const plain = await planBake(opts({ input: smallTree() }));
    expect(plain.release.ARCHITECTURE).toBe('x86-64');
    expect(plain.warnings.join('\n')).toContain('no ELF files under usr/ or opt/: ARCHITECTURE=x86-64 (this host)');
    const mixed = smallTree((root) => {
      // An aarch64 ELF header (EM_AARCH64 = 183) among the x86-64 files of a copied hello.
      const head = Buffer.alloc(64);
      head.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
      head.writeUInt16LE(3, 16);
      head.writeUInt16LE(183, 18);
      writeFileSync(join(root, 'usr/local/x/foreign.so'), head);
      cpSync(join(tree, PKDEMO, 'usr/bin/hello'), join(root, 'usr/local/x/a'));
      cpSync(join(tree, PKDEMO, 'usr/bin/hello'), join(root, 'usr/local/x/b'));
    });
    const plan = await planBake(opts({ input: mixed }));
    expect(plan.release.ARCHITECTURE).toBe('x86-64');
    expect(plan.warnings.join('\n')).toContain('ELF files of several architectures: x86-64 (2, e.g. usr/local/x/');
    expect(plan.warnings.join('\n')).toContain('arm64 (1, e.g. usr/local/x/foreign.so); using x86-64');
  });
});

describe('sysext bake: --dry-run and failures', () => {
  it('prints the plan with the command and the release text, and creates nothing', async () => {
    const o = opts({ os: 'flatcar', versionId: '3815.2.0', arch: 'amd64-usr', format: 'erofs' });
    const text = formatBakePlan(await planBake(o));
    expect(text).toContain(`Plan: bake pkdemo.raw (erofs) from ${tree}`);
    expect(text).toContain('       | ID=flatcar\n       | VERSION_ID=3815.2.0\n       | ARCHITECTURE=x86-64\n');
    expect(text).toMatch(/- run SOURCE_DATE_EPOCH=0 \S*mkfs\.erofs -zlz4hc,12 -C65536 -Eztailpacking -U00000000-0000-0000-0000-000000000000 --all-root -x-1 --quiet \S+\.part merged/);
    expect(text).toContain('unshare --mount --propagation private');
    expect(text).toContain(`write ${RELEASE} (mode 644; ARCHITECTURE from --arch amd64-usr)`);
    expect(readdirSync(o.outputDir)).toEqual([]);
  });

  /** A fake mksquashfs first on the PATH while planning (the plan keeps its absolute path). */
  async function planWithFake(script: string): Promise<BakePlan> {
    const bin = fakeMksquashfs(script);
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      return await planBake(opts());
    } finally {
      process.env.PATH = path;
    }
  }

  it('leaves no partial image or stage behind when the tool fails', async () => {
    const plan = await planWithFake('echo "partial" > "$2"; echo "FATAL ERROR: out of space" >&2; exit 1');
    const e = await executeBake(plan, new TestLog()).then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(Failure);
    expect((e as Error).message).toContain('FATAL ERROR: out of space');
    expect(readdirSync(plan.image.replace(/\/[^/]+$/, ''))).toEqual([]);
  });

  it('leaves no partial image or stage behind on Ctrl-C', async () => {
    const plan = await planWithFake('echo "partial" > "$2"; exec sleep 30');
    const dir = plan.image.replace(/\/[^/]+$/, '');
    const started = Date.now();
    const baking = executeBake(plan, new TestLog()).then(() => undefined, (err: unknown) => err);
    while (!existsSync(plan.tempImage)) await new Promise((done) => setTimeout(done, 20));
    process.emit('SIGINT', 'SIGINT');
    const e = await baking;
    expect(e).toBeInstanceOf(Failure);
    expect((e as Failure).exitCode).toBe(130);
    expect((e as Error).message).toBe('interrupted by SIGINT: pkdemo.raw was not written');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(readdirSync(dir)).toEqual([]);
    expect(process.listenerCount('SIGINT')).toBe(0);
  });

  it('leaves no partial image, stage or mount behind when a real SIGINT hits the process', async () => {
    const bin = fakeMksquashfs('echo "partial" > "$2"; exec sleep 30');
    const o = opts();
    const child = spawn(process.execPath, [driver(), JSON.stringify(o)], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => { stdout += String(b); });
    child.stderr.on('data', (b: Buffer) => { stderr += String(b); });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    while (!stdout.endsWith('\n') || !existsSync(stdout.trim())) await new Promise((done) => setTimeout(done, 20));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toBe('interrupted by SIGINT: pkdemo.raw was not written');
    expect(readdirSync(o.outputDir)).toEqual([]);
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(work);
  });

  it('bakes without root, in a user namespace, the same bytes as root', async () => {
    const shared = mkdtempSync(join(tmpdir(), 'prefixkit-bake-user-'));
    try {
      chmodSync(shared, 0o755);
      const input = join(shared, 'tree');
      cpSync(tree, input, { recursive: true, verbatimSymlinks: true });
      chmodSync(input, 0o750);
      execFileSync('chown', ['-R', '65534:65534', input]);
      const outputDir = join(shared, 'out');
      mkdirSync(outputDir);
      execFileSync('chown', ['65534:65534', outputDir]);
      const asRoot = await bake({ input });
      const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, driver(), JSON.stringify(opts({ input, outputDir }))], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(sha(join(outputDir, 'pkdemo.raw'))).toBe(asRoot.sha256);
      expect(lstatSync(join(outputDir, 'pkdemo.raw')).uid).toBe(65534);
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
  });
});

/** A directory with a fake mksquashfs, to put first on the PATH. */
function fakeMksquashfs(script: string): string {
  const bin = join(work, `fakebin${++count}`);
  mkdirSync(bin);
  writeFileSync(join(bin, 'mksquashfs'), `#!/bin/sh\n[ "$1" = -version ] && { echo 'mksquashfs version 4.5.1 (2022/03/17)'; exit 0; }\n${script}\n`, { mode: 0o755 });
  return bin;
}

let driverPath: string | undefined;
/**
 * A Node script that bakes as the CLI would, in its own process (for real signals and other users):
 * plans from the options JSON in argv[2], prints the temporary image's path, executes, and exits
 * with the error's exit code.
 */
function driver(): string {
  if (driverPath) return driverPath;
  const source = join(work, 'driver.ts');
  writeFileSync(source, `import { executeBake, planBake } from ${JSON.stringify(resolve('src/sysext/bake.js'))};
import { Log } from ${JSON.stringify(resolve('src/util/log.js'))};
try {
  const plan = await planBake(JSON.parse(process.argv[2]!));
  process.stdout.write(plan.tempImage + '\\n');
  await executeBake(plan, new Log(true));
} catch (e) {
  process.stderr.write((e as Error).message);
  process.exit((e as { exitCode?: number }).exitCode ?? 1);
}
`);
  // Outside the private work dir, so that another user can run it.
  driverPath = join(mkdtempSync(join(tmpdir(), 'prefixkit-bake-driver-')), 'driver.mjs');
  chmodSync(join(driverPath, '..'), 0o755);
  buildSync({ entryPoints: [source], outfile: driverPath, bundle: true, platform: 'node', format: 'esm', logLevel: 'error',
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" } });
  return driverPath;
}
