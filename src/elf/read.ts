/**
 * What the dynamic loader reads of an ELF file: PT_INTERP, and from PT_DYNAMIC the DT_NEEDED,
 * DT_RUNPATH, DT_RPATH and DT_SONAME strings. Works from program headers alone (stripped files
 * have no section headers) and reads only the bytes it needs, at offsets.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { elfIdent, type ElfIdent } from './ident.js';

export interface ElfFile extends ElfIdent {
  /** PT_INTERP, the program interpreter (dynamic loader); absent for libraries and static files. */
  readonly interp?: string;
  readonly needed: readonly string[];
  /** DT_RUNPATH / DT_RPATH as stored (colon-separated, tokens such as $ORIGIN unexpanded). */
  readonly runpath?: string;
  readonly rpath?: string;
  readonly soname?: string;
  /**
   * Set when the file starts like ELF but a part of it cannot be read (truncated or corrupt):
   * `headers` (program headers or PT_INTERP) or `dynamic` (PT_DYNAMIC or its strings). Whatever was
   * read before that is kept; the reader never throws for bad content.
   */
  readonly damaged?: { readonly part: 'headers' | 'dynamic'; readonly reason: string };
}

/** Reads at offsets; returns fewer bytes at the end of the file. */
export interface ByteSource {
  read(position: number, length: number): Promise<Uint8Array>;
}

/** Bytes a file's first read should cover: ELF header, program headers and PT_INTERP in most files. */
const HEAD_BYTES = 4096;

/** The ELF facts of the file at `path`, or undefined when it is not an ELF file. */
export function readElfFile(path: string): Promise<ElfFile | undefined> {
  return withHead(path, (head, src) => readElf(src, head));
}

/** Opens `path`, reads its first HEAD_BYTES and hands them, a source and the descriptor to `use`. */
export async function withHead<T>(path: string, use: (head: Uint8Array, src: ByteSource, fd: number) => Promise<T>): Promise<T> {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(HEAD_BYTES);
    const head = buf.subarray(0, readSync(fd, buf, 0, HEAD_BYTES, 0));
    return await use(head, fdSource(fd, head), fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads from a file descriptor, serving those inside `head` (the file's first bytes) from memory.
 * Synchronous on purpose: these are reads of a few KiB, mostly from the page cache, where one
 * system call costs far less than a round trip through libuv's thread pool (3x on 10,000 files).
 */
function fdSource(fd: number, head?: Uint8Array): ByteSource {
  return {
    read(position, length) {
      if (head && position + length <= head.length) return Promise.resolve(head.subarray(position, position + length));
      const buf = Buffer.allocUnsafe(length);
      return Promise.resolve(buf.subarray(0, readSync(fd, buf, 0, length, position)));
    },
  };
}

const PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3;
const DT_NULL = 0, DT_NEEDED = 1, DT_STRTAB = 5, DT_STRSZ = 10, DT_SONAME = 14, DT_RPATH = 15, DT_RUNPATH = 29;
const PN_XNUM = 0xffff;
// Bounds that no sane file exceeds, so a corrupt size never makes us allocate gigabytes.
const MAX_INTERP = 4096, MAX_TABLE = 1 << 20, MAX_STRING = 1 << 16;

class Damaged extends Error {}

interface Segment { readonly type: number; readonly offset: number; readonly vaddr: number; readonly filesz: number }

/** The ELF facts from `src`, given its first bytes; undefined when it is not an ELF file. */
export async function readElf(src: ByteSource, head: Uint8Array): Promise<ElfFile | undefined> {
  const ident = elfIdent(head);
  if (!ident) return undefined;
  const r = new Fields(ident);
  let segments: Segment[];
  let interp: string | undefined;
  try {
    segments = await programHeaders(src, r, head);
    const pi = segments.find((s) => s.type === PT_INTERP && s.filesz > 0);
    if (pi) interp = cString(await exactly(src, pi.offset, Math.min(pi.filesz, MAX_INTERP), 'PT_INTERP'), 0);
  } catch (e) {
    if (!(e instanceof Damaged)) throw e;
    return { ...ident, needed: [], damaged: { part: 'headers', reason: e.message } };
  }
  const base = { ...ident, ...(interp !== undefined && { interp }) };
  // A separate debug file keeps the program headers but not the data: PT_DYNAMIC has no file bytes.
  const dyn = segments.find((s) => s.type === PT_DYNAMIC && s.filesz > 0);
  if (!dyn) return { ...base, needed: [] };
  try {
    return { ...base, ...(await dynamicStrings(src, r, segments, dyn)) };
  } catch (e) {
    if (!(e instanceof Damaged)) throw e;
    return { ...base, needed: [], damaged: { part: 'dynamic', reason: e.message } };
  }
}

/** Integer fields in the file's class and byte order. */
class Fields {
  readonly word: 4 | 8;
  private bytes?: Uint8Array;
  private dv?: DataView;
  constructor(readonly ident: ElfIdent) { this.word = ident.bits === 64 ? 8 : 4; }
  u16(b: Uint8Array, at: number): number { return this.view(b).getUint16(at, this.ident.littleEndian); }
  u32(b: Uint8Array, at: number): number { return this.view(b).getUint32(at, this.ident.littleEndian); }
  /** An address, offset or size: 32 or 64 bits by class. */
  addr(b: Uint8Array, at: number): number {
    if (this.word === 4) return this.u32(b, at);
    const v = this.view(b).getBigUint64(at, this.ident.littleEndian);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Damaged(`value ${v} at ${at} is out of range`);
    return Number(v);
  }
  /** A signed d_tag; tags above 2^53 are processor/OS specific and never ones we look for. */
  tag(b: Uint8Array, at: number): number {
    if (this.word === 4) return this.view(b).getInt32(at, this.ident.littleEndian);
    const v = this.view(b).getBigInt64(at, this.ident.littleEndian);
    return v > BigInt(Number.MAX_SAFE_INTEGER) || v < 0n ? -1 : Number(v);
  }
  /** Fields come in runs from one table: keep its DataView. */
  private view(b: Uint8Array): DataView {
    if (b !== this.bytes) { this.bytes = b; this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength); }
    return this.dv!;
  }
}

async function exactly(src: ByteSource, position: number, length: number, what: string): Promise<Uint8Array> {
  const b = await src.read(position, length);
  if (b.length < length) throw new Damaged(`${what} at offset ${position} is past the end of the file`);
  return b;
}

async function programHeaders(src: ByteSource, r: Fields, head: Uint8Array): Promise<Segment[]> {
  const ehdr = await exactly(src, 0, r.word === 8 ? 64 : 52, 'ELF header');
  const phoff = r.addr(ehdr, r.word === 8 ? 32 : 28);
  const phentsize = r.u16(ehdr, r.word === 8 ? 54 : 42);
  let phnum = r.u16(ehdr, r.word === 8 ? 56 : 44);
  if (phnum === 0 || phoff === 0) return [];
  if (phnum === PN_XNUM) phnum = await extendedPhnum(src, r, ehdr);
  const need = r.word === 8 ? 56 : 32;
  if (phentsize < need) throw new Damaged(`program header size ${phentsize} is smaller than ${need}`);
  if (phnum * phentsize > MAX_TABLE) throw new Damaged(`${phnum} program headers of ${phentsize} bytes are too many`);
  const table = phoff + phnum * phentsize <= head.length ? head.subarray(phoff) : await exactly(src, phoff, phnum * phentsize, 'program headers');
  const out: Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = i * phentsize;
    out.push(r.word === 8
      ? { type: r.u32(table, at), offset: r.addr(table, at + 8), vaddr: r.addr(table, at + 16), filesz: r.addr(table, at + 32) }
      : { type: r.u32(table, at), offset: r.u32(table, at + 4), vaddr: r.u32(table, at + 8), filesz: r.u32(table, at + 16) });
  }
  return out;
}

/** More than 65534 program headers: the count is in section header 0's sh_info. */
async function extendedPhnum(src: ByteSource, r: Fields, ehdr: Uint8Array): Promise<number> {
  const shoff = r.addr(ehdr, r.word === 8 ? 40 : 32);
  const sh0 = await exactly(src, shoff, r.word === 8 ? 64 : 40, 'section header 0');
  return r.u32(sh0, r.word === 8 ? 44 : 28);
}

async function dynamicStrings(src: ByteSource, r: Fields, segments: Segment[], dyn: Segment) {
  const entry = r.word * 2;
  const table = await src.read(dyn.offset, Math.min(dyn.filesz, MAX_TABLE));
  const needed: number[] = [];
  let strtab: number | undefined, strsz: number | undefined, soname: number | undefined;
  const runpath: number[] = [], rpath: number[] = [];
  let ended = false;
  for (let at = 0; at + entry <= table.length; at += entry) {
    const tag = r.tag(table, at);
    if (tag === DT_NULL) { ended = true; break; }
    const val = r.addr(table, at + r.word);
    if (tag === DT_NEEDED) needed.push(val);
    else if (tag === DT_STRTAB) strtab = val;
    else if (tag === DT_STRSZ) strsz = val;
    else if (tag === DT_SONAME) soname = val;
    else if (tag === DT_RUNPATH) runpath.push(val);
    else if (tag === DT_RPATH) rpath.push(val);
  }
  if (!ended && table.length < Math.min(dyn.filesz, MAX_TABLE)) throw new Damaged(`PT_DYNAMIC at offset ${dyn.offset} is past the end of the file`);
  const wanted = [...needed, ...runpath, ...rpath, ...(soname === undefined ? [] : [soname])];
  if (wanted.length === 0) return { needed: [] };
  if (strtab === undefined) throw new Damaged('PT_DYNAMIC has strings but no DT_STRTAB');
  const str = await stringTable(src, segments, strtab, strsz, wanted);
  const joined = async (offs: number[]) => (offs.length ? (await Promise.all(offs.map(str))).join(':') : undefined);
  const [rp, rrp, so] = await Promise.all([joined(runpath), joined(rpath), soname === undefined ? undefined : str(soname)]);
  return {
    needed: await Promise.all(needed.map(str)),
    ...(rp !== undefined && { runpath: rp }),
    ...(rrp !== undefined && { rpath: rrp }),
    ...(so !== undefined && { soname: so }),
  };
}

/** DT_STRTAB is an address: the PT_LOAD segment holding it gives the file offset. */
async function stringTable(src: ByteSource, segments: Segment[], addr: number, size: number | undefined, wanted: number[]) {
  const load = segments.find((s) => s.type === PT_LOAD && addr >= s.vaddr && addr < s.vaddr + s.filesz);
  if (!load) throw new Damaged(`DT_STRTAB 0x${addr.toString(16)} is in no PT_LOAD segment`);
  const offset = load.offset + (addr - load.vaddr);
  const limit = Math.min(size ?? Infinity, load.vaddr + load.filesz - addr);
  // The strings we want usually sit close together: one read covers them all.
  const lo = Math.min(...wanted), hi = Math.max(...wanted);
  const window = hi - lo < MAX_STRING && lo < limit ? { at: lo, bytes: await src.read(offset + lo, Math.min(hi - lo + 512, limit - lo)) } : undefined;
  return (off: number): Promise<string> | string => {
    if (off >= limit) throw new Damaged(`string offset ${off} is beyond DT_STRSZ ${limit}`);
    if (window && off >= window.at) {
      const end = window.bytes.indexOf(0, off - window.at);
      if (end >= 0) return cString(window.bytes, off - window.at);
    }
    return longString(src, offset + off, limit - off);
  };
}

/** A string the window did not hold: read a little and grow only when the NUL is not there yet. */
async function longString(src: ByteSource, position: number, room: number): Promise<string> {
  for (let len = 512; ; len *= 2) {
    const want = Math.min(len, room);
    const b = await exactly(src, position, want, 'DT_STRTAB string');
    if (b.indexOf(0) >= 0) return cString(b, 0);
    if (want === room || len >= MAX_STRING) throw new Damaged(`string at offset ${position} has no end`);
  }
}

function cString(b: Uint8Array, at: number): string {
  const end = b.indexOf(0, at);
  return Buffer.from(b.buffer, b.byteOffset + at, (end < 0 ? b.length : end) - at).toString('utf8');
}
