#!/usr/bin/env node
// A recording fake of a Gentoo-only program (emerge, portageq, cb-bootstrap, equery…).
// Appends {tool, argv, env, cwd} as one JSON line to $PREFIXKIT_FAKE_LOG, then behaves just
// enough like the real program for setup_prefix to go on. FAKE_FAIL=<tool>[,<tool>] makes <tool> exit 3.
import { appendFileSync, cpSync, readFileSync, existsSync, mkdirSync, readdirSync, readlinkSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const tool = basename(process.argv[1]);
const args = process.argv.slice(2);
const env = process.env;
if (env.PREFIXKIT_FAKE_LOG) {
  appendFileSync(env.PREFIXKIT_FAKE_LOG, `${JSON.stringify({ tool, argv: args, env: pick(env), cwd: process.cwd() })}\n`);
}
if ((env.FAKE_FAIL ?? '').split(',').includes(tool)) {
  console.error(`${tool}: failing as asked (FAKE_FAIL)`);
  process.exit(3);
}

switch (tool) {
  case 'portageq': portageq(); break;
  case 'cb-bootstrap': cbBootstrap(); break;
  case 'anise': anise(); break;
  default: console.log(`${tool} ${args.join(' ')}`);
}

function portageq() {
  if (args[0] === 'envvar' && args[1] === 'DISTDIR') {
    // FAKE_NOT_PORTAGE_HOST: the host has no Portage config of its own (not an SDK).
    if (env.FAKE_NOT_PORTAGE_HOST) process.exit(1);
    return console.log(env.FAKE_HOST_DISTDIR ?? '/var/cache/distfiles');
  }
  if (args[0] === 'best_version') {
    const [cat, pn] = args[2].split('/');
    const vdb = join(args[1], 'var/db/pkg', cat);
    const hit = existsSync(vdb) && readdirSync(vdb).filter((d) => d.startsWith(`${pn}-`)).sort().at(-1);
    return console.log(hit ? `${cat}/${hit}` : '');
  }
  console.log(`portageq ${args.join(' ')}`);
}

// What the real cb-bootstrap leaves behind: the cross sysroot profile re-pointed, gcc in the vdb,
// and gcc's binary package in PKGDIR (copied from FAKE_GCC_PKGDIR, which the test built).
function cbBootstrap() {
  const root = args[0];
  const eroot = root + env.EPREFIX;
  const chost = /CHOST="([^"]+)"/.exec(readFileSync(join(eroot, 'etc/portage/make.conf'), 'utf8'))[1];
  const link = `/usr/${chost}/etc/portage/make.profile`;
  const profile = realpathSync(join(eroot, 'etc/portage/make.profile'));
  if (existsSync(dirname(link)) && readlinkOrNull(link) !== profile) {
    console.error(`Syncing ${link} with ${join(eroot, 'etc/portage/make.profile')}.`);
    rmSync(link, { force: true });
    symlinkSync(profile, link);
  }
  mkdirSync(join(eroot, 'var/db/pkg/sys-devel', env.FAKE_GCC_PF ?? 'gcc-13.3.1_p20240614'), { recursive: true });
  if (env.FAKE_GCC_PKGDIR) cpSync(env.FAKE_GCC_PKGDIR, join(dirname(root), 'pkgs'), { recursive: true });
  for (const line of ['Emerging sys-apps/baselayout ...', 'Emerging @system ...', 'Stage complete! :-)']) console.error(line);
}

function readlinkOrNull(p) { try { return readlinkSync(p); } catch { return null; } }
function pick(e) {
  const keys = ['ROOT', 'SYSROOT', 'PORTAGE_CONFIGROOT', 'EPREFIX', 'CROSS_BOSS', 'CROSS_CMD', 'USE', 'FEATURES', 'PKGDIR', 'MARKDEVKIT_ROOTFS', 'release'];
  return Object.fromEntries(keys.filter((k) => k in e).map((k) => [k, e[k]]));
}

// anise --system-target <rootfs> … install … <pkgs>: leaves a file per package in the rootfs.
function anise() {
  const rootfs = args[args.indexOf('--system-target') + 1];
  if (!args.includes('install')) return;
  mkdirSync(join(rootfs, 'var/lib/anise'), { recursive: true });
  for (const p of args.slice(args.indexOf('--skip-config-protect') + 1)) appendFileSync(join(rootfs, 'var/lib/anise', p.replaceAll('/', '_')), `${p}\n`);
}
