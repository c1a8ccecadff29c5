import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readElfFile } from '../../../src/elf/read.js';

// The reader against binutils' readelf: real host files, and files crafted here in every class
// and byte order (the host has no 32-bit or big-endian toolchain, readelf reads them all).
const dir = mkdtempSync(join(tmpdir(), 'prefixkit-elf-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What `readelf -lW -d` says about the fields the reader returns, for each of `paths`. */
function readelf(...paths: string[]) {
  const out = execFileSync('readelf', ['-lW', '-d', ...paths], { encoding: 'utf8', maxBuffer: 1 << 28 });
  // With several files, readelf starts each one's output with "File: PATH".
  const parts = paths.length === 1 ? [out] : out.split(/^File: .*$/m).slice(1);
  return parts.map((text) => {
    const all = (re: RegExp) => [...text.matchAll(re)].map((m) => m[1]!);
    return {
      interp: /Requesting program interpreter: (.*)\]/.exec(text)?.[1],
      needed: all(/\(NEEDED\)\s+Shared library: \[(.*)\]/g),
      runpath: all(/\(RUNPATH\)\s+Library runpath: \[(.*)\]/g)[0],
      rpath: all(/\(RPATH\)\s+Library rpath: \[(.*)\]/g)[0],
      soname: all(/\(SONAME\)\s+Library soname: \[(.*)\]/g)[0],
    };
  });
}

async function ours(path: string) {
  const got = await readElfFile(path);
  expect(got, path).toBeDefined();
  expect(got!.damaged, path).toBeUndefined();
  return { interp: got!.interp, needed: got!.needed, runpath: got!.runpath, rpath: got!.rpath, soname: got!.soname };
}

async function expectLikeReadelf(path: string) {
  expect(await ours(path), path).toEqual(readelf(path)[0]);
}

const HOST_LIBC = realpathSync('/lib/x86_64-linux-gnu/libc.so.6');

describe('readElfFile on host binaries', () => {
  it('reads /bin/true (PIE executable)', async () => {
    await expectLikeReadelf('/bin/true');
    expect(await readElfFile('/bin/true')).toMatchObject({ bits: 64, littleEndian: true, machine: 62, interp: '/lib64/ld-linux-x86-64.so.2', needed: ['libc.so.6'] });
  });

  it('reads libc (a library with PT_INTERP and SONAME) and the loader', async () => {
    await expectLikeReadelf(HOST_LIBC);
    expect((await readElfFile(HOST_LIBC))!.soname).toBe('libc.so.6');
    await expectLikeReadelf(realpathSync('/lib64/ld-linux-x86-64.so.2'));
  });

  it('reads a static busybox: no interpreter, no dynamic section', async () => {
    expect(existsSync('/bin/busybox'), 'busybox-static is part of the test environment').toBe(true);
    await expectLikeReadelf('/bin/busybox');
    expect(await readElfFile('/bin/busybox')).toMatchObject({ needed: [] });
    expect((await readElfFile('/bin/busybox'))!.interp).toBeUndefined();
  });

  it('agrees with readelf on every ELF file in /usr/bin', async () => {
    const paths = readdirSync('/usr/bin').sort().map((name) => join('/usr/bin', name)).filter((path) => {
      const st = statSync(path, { throwIfNoEntry: false });
      return st?.isFile() && st.size >= 64 && readFileSync(path).subarray(0, 4).equals(Buffer.from('\x7fELF', 'latin1'));
    });
    expect(paths.length).toBeGreaterThan(50);
    const want = readelf(...paths);
    expect(want).toHaveLength(paths.length);
    for (const [i, path] of paths.entries()) expect(await ours(path), path).toEqual(want[i]);
  });

  it('reads a binary with RPATH (old tags) and one with RUNPATH', async () => {
    const src = join(dir, 'p.c');
    writeFileSync(src, 'int main(void) { return 0; }\n');
    execFileSync('gcc', ['-o', join(dir, 'rpath'), src, '-Wl,-rpath,$ORIGIN/../lib:/opt/x', '-Wl,--disable-new-dtags', '-Wl,-soname,libp.so.1']);
    execFileSync('gcc', ['-o', join(dir, 'runpath'), src, '-Wl,-rpath,/usr/local/pk/lib64', '-Wl,--enable-new-dtags']);
    await expectLikeReadelf(join(dir, 'rpath'));
    await expectLikeReadelf(join(dir, 'runpath'));
    expect(await readElfFile(join(dir, 'rpath'))).toMatchObject({ rpath: '$ORIGIN/../lib:/opt/x', soname: 'libp.so.1' });
    expect(await readElfFile(join(dir, 'runpath'))).toMatchObject({ runpath: '/usr/local/pk/lib64' });
  });

  it('reads a separate debug file (program headers without data) as having nothing to load', async () => {
    execFileSync('objcopy', ['--only-keep-debug', '/bin/true', join(dir, 'true.debug')]);
    const got = await readElfFile(join(dir, 'true.debug'));
    expect(got).toMatchObject({ bits: 64, needed: [] });
    expect(got!.interp).toBeUndefined();
    expect(got!.damaged).toBeUndefined();
  });
});

interface Craft {
  readonly bits: 32 | 64;
  readonly littleEndian: boolean;
  readonly machine: number;
  readonly interp?: string;
  readonly needed?: readonly string[];
  readonly runpath?: string;
  readonly rpath?: string;
  readonly soname?: string;
}

/**
 * A minimal ELF file with no section headers: PT_INTERP, two PT_LOADs (the second maps the string
 * table and dynamic section at an address unrelated to their offset, as linkers do) and PT_DYNAMIC.
 */
function craftElf(c: Craft): Buffer {
  const w = c.bits === 64 ? 8 : 4;
  const ehsize = w === 8 ? 64 : 52, phentsize = w === 8 ? 56 : 32, phnum = 4;
  let strs = '\0';
  const str = (s: string) => { const at = strs.length; strs += `${s}\0`; return at; };
  const DATA_VADDR = 0x60_0000;
  const dyn: [number, number][] = [];
  for (const n of c.needed ?? []) dyn.push([1, str(n)]);
  if (c.soname !== undefined) dyn.push([14, str(c.soname)]);
  if (c.runpath !== undefined) dyn.push([29, str(c.runpath)]);
  if (c.rpath !== undefined) dyn.push([15, str(c.rpath)]);
  dyn.push([5, DATA_VADDR], [10, strs.length], [0, 0]);
  const interp = c.interp === undefined ? '' : `${c.interp}\0`;
  const phoff = ehsize, interpOff = phoff + phnum * phentsize;
  const strOff = Math.ceil((interpOff + interp.length) / 8) * 8;
  const dynOff = Math.ceil((strOff + strs.length) / 8) * 8;
  const size = dynOff + dyn.length * 2 * w;
  const b = Buffer.alloc(size);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const le = c.littleEndian;
  const u16 = (at: number, x: number) => v.setUint16(at, x, le);
  const u32 = (at: number, x: number) => v.setUint32(at, x, le);
  const word = (at: number, x: number) => (w === 8 ? v.setBigUint64(at, BigInt(x), le) : v.setUint32(at, x, le));
  b.set([0x7f, 0x45, 0x4c, 0x46, w === 8 ? 2 : 1, le ? 1 : 2, 1]);
  u16(16, c.interp === undefined ? 3 : 2);
  u16(18, c.machine);
  u32(20, 1);
  word(w === 8 ? 32 : 28, phoff);
  u16(w === 8 ? 52 : 40, ehsize);
  u16(w === 8 ? 54 : 42, phentsize);
  u16(w === 8 ? 56 : 44, phnum);
  const phdr = (i: number, type: number, offset: number, vaddr: number, filesz: number) => {
    const at = phoff + i * phentsize;
    u32(at, type);
    if (w === 8) { u32(at + 4, 4); word(at + 8, offset); word(at + 16, vaddr); word(at + 24, vaddr); word(at + 32, filesz); word(at + 40, filesz); word(at + 48, 1); }
    else { word(at + 4, offset); word(at + 8, vaddr); word(at + 12, vaddr); word(at + 16, filesz); word(at + 20, filesz); u32(at + 24, 4); word(at + 28, 1); }
  };
  // An absent interpreter becomes a PT_NULL entry, so the table layout stays the same.
  phdr(0, c.interp === undefined ? 0 : 3, interpOff, 0x40_0000 + interpOff, interp.length);
  phdr(1, 1, 0, 0x40_0000, strOff);
  phdr(2, 1, strOff, DATA_VADDR, size - strOff);
  phdr(3, 2, dynOff, DATA_VADDR + (dynOff - strOff), size - dynOff);
  b.write(interp, interpOff, 'latin1');
  b.write(strs, strOff, 'latin1');
  dyn.forEach(([tag, val], i) => { word(dynOff + i * 2 * w, tag); word(dynOff + i * 2 * w + w, val); });
  return b;
}

function craftFile(name: string, c: Craft): string {
  const path = join(dir, name);
  writeFileSync(path, craftElf(c));
  return path;
}

describe('readElfFile on crafted files', () => {
  const fields = { interp: '/usr/local/pk/lib/ld.so.1', needed: ['libc.so.6', 'libm.so.6'], runpath: '$ORIGIN/../lib:/usr/local/pk/lib', soname: 'libcrafted.so.1' };

  it.each([
    ['ELF32 big-endian (PowerPC)', { bits: 32, littleEndian: false, machine: 20 }],
    ['ELF32 little-endian (i386)', { bits: 32, littleEndian: true, machine: 3 }],
    ['ELF64 big-endian (s390x)', { bits: 64, littleEndian: false, machine: 22 }],
    ['ELF64 little-endian (x86-64)', { bits: 64, littleEndian: true, machine: 62 }],
  ] as const)('%s', async (name, id) => {
    const path = craftFile(name.replace(/\W+/g, '-'), { ...id, ...fields });
    expect(await readElfFile(path)).toEqual({ ...id, type: 2, ...fields });
    await expectLikeReadelf(path);
  });

  it('reads DT_RPATH and no interpreter (a shared library)', async () => {
    const path = craftFile('rpath-lib', { bits: 32, littleEndian: false, machine: 8, needed: ['libz.so.1'], rpath: '/opt/elsewhere' });
    expect(await readElfFile(path)).toEqual({ bits: 32, littleEndian: false, machine: 8, type: 3, needed: ['libz.so.1'], rpath: '/opt/elsewhere' });
    await expectLikeReadelf(path);
  });
});

describe('readElfFile on files that are not (whole) ELF files', () => {
  it('returns undefined for text, empty and too-short files', async () => {
    for (const [name, content] of [['text', '#!/bin/sh\necho hi\n'], ['empty', ''], ['magic-only', '\x7fELF\x02\x01']] as const) {
      writeFileSync(join(dir, name), content, 'latin1');
      expect(await readElfFile(join(dir, name)), name).toBeUndefined();
    }
  });

  it('reports truncated program headers as damaged headers, without throwing', async () => {
    const path = join(dir, 'true-100');
    writeFileSync(path, readFileSync('/bin/true').subarray(0, 100));
    expect(await readElfFile(path)).toMatchObject({ bits: 64, needed: [], damaged: { part: 'headers' } });
  });

  it('keeps the interpreter when only the dynamic section is cut off', async () => {
    const whole = craftElf({ bits: 64, littleEndian: true, machine: 62, interp: '/p/ld.so', needed: ['libc.so.6'] });
    const path = join(dir, 'cut-dynamic');
    writeFileSync(path, whole.subarray(0, whole.length - 20));
    const got = await readElfFile(path);
    expect(got).toMatchObject({ interp: '/p/ld.so', needed: [], damaged: { part: 'dynamic' } });
    expect(got!.damaged!.reason).toMatch(/past the end of the file/);
  });

  it('reports a DT_STRTAB outside every PT_LOAD and a string offset beyond DT_STRSZ', async () => {
    const b = craftElf({ bits: 32, littleEndian: false, machine: 20, needed: ['libc.so.6'] });
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const dynOff = v.getUint32(52 + 3 * 32 + 4, false);
    const bad = Buffer.from(b);
    new DataView(bad.buffer, bad.byteOffset).setUint32(dynOff + 8 + 4, 0x1234_5678, false); // DT_STRTAB value
    writeFileSync(join(dir, 'bad-strtab'), bad);
    expect((await readElfFile(join(dir, 'bad-strtab')))!.damaged).toEqual({ part: 'dynamic', reason: 'DT_STRTAB 0x12345678 is in no PT_LOAD segment' });
    const far = Buffer.from(b);
    new DataView(far.buffer, far.byteOffset).setUint32(dynOff + 4, 9999, false); // DT_NEEDED value
    writeFileSync(join(dir, 'bad-needed'), far);
    expect((await readElfFile(join(dir, 'bad-needed')))!.damaged).toMatchObject({ part: 'dynamic', reason: expect.stringMatching(/beyond DT_STRSZ/) });
  });

  it('reports absurd program header counts and sizes instead of reading them', async () => {
    const b = Buffer.from(readFileSync('/bin/true'));
    b.writeUInt16LE(0xfff0, 56); // e_phnum
    writeFileSync(join(dir, 'many-phdrs'), b);
    expect((await readElfFile(join(dir, 'many-phdrs')))!.damaged).toEqual({ part: 'headers', reason: '65520 program headers of 56 bytes are too many' });
    const c = Buffer.from(readFileSync('/bin/true'));
    c.writeUInt16LE(8, 54); // e_phentsize
    writeFileSync(join(dir, 'small-phent'), c);
    expect((await readElfFile(join(dir, 'small-phent')))!.damaged).toEqual({ part: 'headers', reason: 'program header size 8 is smaller than 56' });
  });

  it('reads a copy of libc under another name like the original', async () => {
    copyFileSync(HOST_LIBC, join(dir, 'libc-copy'));
    expect(await readElfFile(join(dir, 'libc-copy'))).toEqual(await readElfFile(HOST_LIBC));
  });
});
