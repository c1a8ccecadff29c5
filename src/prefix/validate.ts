import { posix } from 'node:path';
import { UsageError } from '../util/errors.js';

// Directories an EPREFIX must never be: installing a prefix there would mix it with the system.
const SYSTEM_DIRS = new Set([
  '/bin', '/boot', '/build', '/dev', '/etc', '/home', '/lib', '/lib32', '/lib64', '/libx32', '/media', '/mnt',
  '/opt', '/proc', '/root', '/run', '/sbin', '/srv', '/sys', '/tmp', '/var', '/var/lib', '/var/tmp', '/var/cache',
  '/usr', '/usr/bin', '/usr/sbin', '/usr/lib', '/usr/lib32', '/usr/lib64', '/usr/libexec', '/usr/include',
  '/usr/share', '/usr/src', '/usr/local', '/usr/local/bin', '/usr/local/sbin', '/usr/local/lib',
  '/usr/local/lib64', '/usr/local/include', '/usr/local/share', '/usr/local/etc', '/usr/local/src',
]);

// Paths end up in make.conf, repos.conf and bash wrappers: keep them free of quoting hazards.
const UNSAFE_PATH = /[\s"'`$\\;&|<>*?#!{}()[\]]/;

export function checkName(name: string): void {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name))
    throw new UsageError(`prefix name "${name}" must be one word of letters, digits, "_", "." and "-" (e.g. python)`);
}

/** Returns a warning when the EPREFIX cannot be shipped as a sysext, throws on an invalid one. */
export function checkEprefix(eprefix: string): string | undefined {
  if (!eprefix.startsWith('/'))
    throw new UsageError(`EPREFIX "${eprefix}" must be an absolute path, e.g. /usr/local/${posix.basename(eprefix) || 'app'}`);
  checkSafePath('EPREFIX', eprefix);
  const normal = posix.normalize(eprefix).replace(/(.)\/$/, '$1');
  if (normal !== eprefix) throw new UsageError(`EPREFIX "${eprefix}" is not normalised: use "${normal}"`);
  if (eprefix === '/') throw new UsageError('EPREFIX must not be "/": a prefix lives in its own directory, e.g. /usr/local/python');
  if (SYSTEM_DIRS.has(eprefix))
    throw new UsageError(`EPREFIX "${eprefix}" is a system directory: give the prefix a directory of its own, e.g. /usr/local/<name> or /opt/<name>`);
  if (!eprefix.startsWith('/usr/') && !eprefix.startsWith('/opt/'))
    return `EPREFIX "${eprefix}" is outside /usr and /opt: a systemd-sysext image cannot carry it`;
  return undefined;
}

export function checkSafePath(what: string, path: string): void {
  const bad = UNSAFE_PATH.exec(path);
  if (bad) throw new UsageError(`${what} "${path}" contains "${bad[0]}": use a path without spaces, quotes or shell characters`);
}

/** Staging and final dirs are deleted on --force/--uninstall: they must be distinct and harmless. */
export function checkPrefixDirs(staging: string, final: string): void {
  for (const [flag, dir] of [['--staging_dir', staging], ['--final_dir', final]] as const) {
    if (dir === '/') throw new UsageError(`${flag} must not be "/"`);
    checkSafePath(flag, dir);
  }
  if (staging === final) throw new UsageError(`--staging_dir and --final_dir are both "${staging}": give them different directories`);
  if (isInside(final, staging)) throw new UsageError(`--final_dir "${final}" is inside --staging_dir "${staging}": keep them apart`);
  if (isInside(staging, final)) throw new UsageError(`--staging_dir "${staging}" is inside --final_dir "${final}": keep them apart`);
}

export const isInside = (path: string, dir: string): boolean => path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
