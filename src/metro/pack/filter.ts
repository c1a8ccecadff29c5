/**
 * `output.tarformers_specs` filters, with tar-formers' semantics (pkg/specs/specfile.go
 * `IsPath2Skip`): each entry is judged alone by its absolute host path (`/ws/rootfs/usr/bin/x`),
 * the rootfs itself included. With `match_prefix` only paths starting with one of the prefixes are
 * kept; then `ignore_files` (exact paths) and `ignore_regexes` (Go RE2, unanchored) drop paths.
 * Skipping a directory does not skip what is inside it, exactly as mark-devkit's walk does; a
 * regex such as `/var/cache/distfiles(/|$)` drops a whole tree.
 *
 * Paths are bytes (Go strings are bytes, and a rootfs may hold names that are not UTF-8): they
 * are compared as latin1 strings, which map byte for byte, and matched as UTF-8 bytes by re2js.
 */
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { UsageError } from '../../util/errors.js';
import { re2js } from '../../util/vendor.js';
import type { TarformersSpec } from '../job.js';

export interface PathFilter {
  /** Whether the entry at this absolute host path stays out of the archive. */
  skips(hostPath: Buffer): boolean;
}

/** The spec's filters, or undefined when it filters nothing. Throws UsageError for a bad regex. */
export function compileFilter(spec?: TarformersSpec | null): PathFilter | undefined {
  if (!spec || (!spec.match_prefix.length && !spec.ignore_files.length && !spec.ignore_regexes.length)) return undefined;
  const bytes = (s: string) => Buffer.from(s).toString('latin1');
  const prefixes = spec.match_prefix.map(bytes);
  const ignored = new Set(spec.ignore_files.map(bytes));
  const regexes = spec.ignore_regexes.map((expr, i) => {
    try {
      return re2js().RE2JS.compile(expr);
    } catch (e) {
      throw new UsageError(`output.tarformers_specs.ignore_regexes[${i}] ${JSON.stringify(expr)} is not a valid RE2 regular expression: ${(e as Error).message}`);
    }
  });
  return {
    skips(hostPath) {
      const p = hostPath.toString('latin1');
      if (prefixes.length && !prefixes.some((prefix) => p.startsWith(prefix))) return true;
      return ignored.has(p) || regexes.some((re) => re.test(hostPath));
    },
  };
}

const DOT = Buffer.from('.');
const SLASH = Buffer.from('/');

/**
 * The archive entry names (`.`, `./bin`, `./bin/sh`, …) that pass the filter, depth first in
 * byte order (Go's filepath.Walk order, and GNU tar's --sort=name). Symlinks are not followed.
 * Like `tar --one-file-system`, the contents of a directory on another file system (a mount left
 * in the rootfs) are left out, and reported through `warn`; the mount point itself stays.
 * Synchronous calls, one directory per step: a thread-pool round trip per directory made the
 * walk several times slower, and the consumer (tar's stdin, with backpressure) pulls lazily.
 * The walk keeps its own stack: nested generators would cost each entry one step per level.
 */
export function* filteredEntries(rootfs: string, filter: PathFilter, warn: (msg: string) => void): Generator<Buffer> {
  const { dev } = statSync(rootfs); // the rootfs itself may be reached through a symlink, as tar -C allows
  const rootLength = Buffer.byteLength(rootfs);
  // Host paths still to visit, the next one last; `dir` marks a directory to descend into.
  const stack: Array<{ host: Buffer; dir: boolean }> = [{ host: Buffer.from(rootfs), dir: true }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { host, dir } = next;
    const entry = Buffer.concat([DOT, host.subarray(rootLength)]);
    if (!filter.skips(host)) yield entry;
    if (!dir) continue;
    if (host.length > rootLength && lstatSync(host).dev !== dev) {
      warn(otherFileSystem(entry.toString()));
      continue;
    }
    const children = readdirSync(host, { withFileTypes: true, encoding: 'buffer' });
    children.sort((a, b) => Buffer.compare(b.name, a.name)); // reversed: the stack pops the first name first
    for (const d of children) stack.push({ host: Buffer.concat([host, SLASH, d.name]), dir: d.isDirectory() });
  }
}

/** The warning for a mount point inside the rootfs, from our walk or from tar. */
export const otherFileSystem = (entry: string) => `${entry}: on another file system (a mount point?); not packed`;
