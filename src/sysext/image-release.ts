import { archOfElf } from './release.js';
import { ELF_IDENT_BYTES, elfIdent } from '../elf/ident.js';
import type { ImageEntry, ImageReader } from './image-reader.js';

export const RELEASE_DIR = 'usr/lib/extension-release.d';

/**
 * The release file systemd would read for image NAME, or else the one it would complain about:
 * `extension-release.NAME` when present, otherwise the first other `extension-release.*`.
 */
export function findReleaseFile(entries: readonly ImageEntry[], name: string): { readonly path: string; readonly matches: boolean } | undefined {
  const exact = `${RELEASE_DIR}/extension-release.${name}`;
  const candidates = entries.filter((e) => e.type === 'file' && e.path.startsWith(`${RELEASE_DIR}/extension-release.`) && !e.path.slice(RELEASE_DIR.length + 1).includes('/'));
  if (candidates.some((e) => e.path === exact)) return { path: exact, matches: true };
  return candidates[0] ? { path: candidates[0].path, matches: false } : undefined;
}

/** How many executables are opened at most to find an ELF one: enough for any prefix, bounded for huge images. */
const MAX_PROBES = 24;

/**
 * The architecture of the programs inside: the first executable regular file that is an ELF
 * file systemd has a name for. Files under bin/ directories come first, as scripts rarely live
 * in lib/; smaller files first, since reading stops after the header anyway but some tools cannot seek.
 */
export async function elfArch(reader: ImageReader): Promise<string | undefined> {
  const executables = reader.entries
    .filter((e) => e.type === 'file' && (e.mode & 0o111) !== 0 && e.size >= ELF_IDENT_BYTES)
    .sort((a, b) => Number(!/\/s?bin\//.test(a.path)) - Number(!/\/s?bin\//.test(b.path)) || a.size - b.size);
  for (const e of executables.slice(0, MAX_PROBES)) {
    const ident = elfIdent(await reader.readHead(e.path, ELF_IDENT_BYTES));
    const arch = ident && archOfElf(ident);
    if (arch) return arch;
  }
  return undefined;
}
