/**
 * Paths as the target system sees them, looked up inside a root directory: symlinks are followed
 * with absolute targets taken relative to the root and `..` stopping at it (chroot semantics), so
 * nothing of the build host is ever consulted.
 */
import type { Stats } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { posix } from 'node:path';

export interface Resolved {
  /** The target path after following every symlink (for a missing path: as far as it got, plus the rest). */
  readonly path: string;
  /** The final file's lstat, or undefined when the path does not exist (or a symlink loop). */
  readonly stat?: Stats;
}

const MAX_LINKS = 40; // the kernel's limit

/** Whether target path `p` (already normalized) is `prefix` or under it. */
export function isInside(p: string, prefix: string): boolean {
  return prefix === '/' || p === prefix || p.startsWith(`${prefix}/`);
}

export class TargetRoot {
  private readonly stats = new Map<string, Promise<Stats | undefined>>();
  private readonly links = new Map<string, Promise<string>>();

  constructor(readonly root: string) {}

  /** The host path of a target path. */
  host(target: string): string {
    return this.root + (target === '/' ? '' : target);
  }

  private lstat(target: string): Promise<Stats | undefined> {
    let s = this.stats.get(target);
    if (!s) this.stats.set(target, (s = lstat(this.host(target)).catch(() => undefined)));
    return s;
  }

  /** Follows `target` (absolute) through symlinks as the target's kernel would. */
  async resolve(target: string): Promise<Resolved> {
    const todo = target.split('/').reverse();
    let cur = '/';
    let links = 0;
    while (todo.length) {
      const c = todo.pop()!;
      if (c === '' || c === '.') continue;
      if (c === '..') { cur = posix.dirname(cur); continue; }
      const next = cur === '/' ? `/${c}` : `${cur}/${c}`;
      const st = await this.lstat(next);
      if (!st) return { path: posix.join(next, ...todo.reverse()) };
      if (st.isSymbolicLink()) {
        if (++links > MAX_LINKS) return { path: next };
        const to = await this.readlink(next);
        todo.push(...to.split('/').reverse());
        if (to.startsWith('/')) cur = '/';
        continue;
      }
      if (todo.some((t) => t !== '' && t !== '.') && !st.isDirectory()) return { path: posix.join(next, ...todo.reverse()) };
      cur = next;
      if (!todo.length) return { path: cur, stat: st };
    }
    return { path: cur, stat: await this.lstat(cur) };
  }

  /** Target paths matching a glob (`*`, `?`, `[…]` in any component), resolved in the root. */
  async glob(pattern: string): Promise<string[]> {
    let found = ['/'];
    for (const part of pattern.split('/').filter((p) => p !== '')) {
      if (!/[*?[]/.test(part)) { found = found.map((d) => posix.join(d, part)); continue; }
      const re = globRegExp(part);
      const next: string[] = [];
      for (const dir of found) {
        const real = await this.resolve(dir);
        if (!real.stat?.isDirectory()) continue;
        const names = await readdir(this.host(real.path)).catch(() => [] as string[]);
        next.push(...names.filter((n) => re.test(n) && !n.startsWith('.')).sort().map((n) => posix.join(dir, n)));
      }
      found = next;
    }
    return found;
  }

  private readlink(target: string): Promise<string> {
    let l = this.links.get(target);
    if (!l) this.links.set(target, (l = readlink(this.host(target))));
    return l;
  }
}

/** One path component of a glob as a RegExp (glob(7) without the special cases we never meet). */
function globRegExp(part: string): RegExp {
  let re = '';
  for (let i = 0; i < part.length; i++) {
    const c = part[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = part.indexOf(']', i + 2);
      if (close < 0) { re += '\\['; continue; }
      const body = part.slice(i + 1, close);
      re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`.replace(/\\/g, '\\\\');
      i = close;
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
