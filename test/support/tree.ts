import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A directory tree as data: every entry's type, mode and content hash or link target.
 * Two snapshots are equal when the trees are byte-for-byte the same (timestamps aside).
 */
export function snapshot(root: string, skip: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    const path = join(root, rel);
    const st = lstatSync(path);
    const mode = (st.mode & 0o7777).toString(8);
    if (st.isSymbolicLink()) out[rel] = `link -> ${readlinkSync(path)}`;
    else if (st.isFile()) out[rel] = `file ${mode} ${st.uid}:${st.gid} ${createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16)}`;
    else if (st.isDirectory()) {
      out[rel || '.'] = `dir ${mode} ${st.uid}:${st.gid}`;
      for (const e of readdirSync(path).sort()) if (!skip.includes(join(rel, e))) walk(join(rel, e));
    } else out[rel] = `special ${st.mode.toString(8)}`;
  };
  if (existsSync(root)) walk('');
  return out;
}

/** Relative paths of all entries under root, sorted. */
export const listTree = (root: string): string[] => Object.keys(snapshot(root)).filter((p) => p !== '.').sort();
