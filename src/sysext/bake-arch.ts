/**
 * ARCHITECTURE from what the tree holds: the machine of the ELF files under usr/ and opt/. Only the
 * first 20 bytes of each regular file are read; a prefix has one architecture, so the majority
 * wins and a mix is reported (a stray foreign binary, or a tree built for the wrong board).
 */
import { closeSync, openSync, opendirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { ELF_IDENT_BYTES, elfIdent } from '../elf/ident.js';
import { archOfElf } from './release.js';

export interface ArchCount {
  readonly arch: string;
  readonly files: number;
  /** One file of this architecture, to show the user. */
  readonly example: string;
}

/**
 * ELF architectures found under usr/ and opt/, most files first. Synchronous on purpose: tens of
 * thousands of tiny reads cost several times more as promises, and nothing else runs meanwhile.
 */
export function elfArchitectures(input: string): ArchCount[] {
  const counts = new Map<string, { files: number; example: string }>();
  const head = new Uint8Array(ELF_IDENT_BYTES);
  for (const top of ['usr', 'opt']) {
    walk(input, top, (rel) => {
      const arch = archOf(join(input, rel), head);
      if (!arch) return;
      const c = counts.get(arch);
      if (c) c.files++;
      else counts.set(arch, { files: 1, example: rel });
    });
  }
  return [...counts].map(([arch, c]) => ({ arch, ...c })).sort((a, b) => b.files - a.files || a.arch.localeCompare(b.arch));
}

/** Regular files below root/rel, depth first; never follows symlinks. */
function walk(root: string, rel: string, file: (rel: string) => void): void {
  let dir;
  try {
    dir = opendirSync(join(root, rel));
  } catch (e) {
    if (['ENOENT', 'ENOTDIR', 'EACCES'].includes((e as NodeJS.ErrnoException).code ?? '')) return; // the image tool reports unreadable ones
    throw e;
  }
  try {
    for (let e = dir.readSync(); e; e = dir.readSync()) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(root, child, file);
      else if (e.isFile()) file(child);
    }
  } finally {
    dir.closeSync();
  }
}

function archOf(path: string, head: Uint8Array): string | undefined {
  let fd;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EACCES') return undefined;
    throw e;
  }
  try {
    const ident = elfIdent(head.subarray(0, readSync(fd, head, 0, ELF_IDENT_BYTES, 0)));
    return ident && archOfElf(ident);
  } finally {
    closeSync(fd);
  }
}
