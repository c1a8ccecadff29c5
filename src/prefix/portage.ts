import { join } from 'node:path';
import { dq, renderTemplate } from '../util/template.js';
import type { PrefixConfig } from './config.js';

export type RootRole = 'staging' | 'final';

/** The Portage config files prefixkit writes into a root's EPREFIX/etc/portage, as [path, content]. */
export function portageFiles(cfg: PrefixConfig, role: RootRole): [string, string][] {
  const dir = join(rootOf(cfg, role), cfg.eprefix, 'etc', 'portage');
  return [
    [join(dir, 'make.conf'), makeConf(cfg, role)],
    [join(dir, 'repos.conf', 'prefixkit.conf'), reposConf(cfg)],
    [join(dir, 'package.mask', 'prefixkit'), renderTemplate('portage/package.mask.ejs',
      { flatcar: cfg.repos.flatcar.name, prefix: cfg.repos.prefix.name }, dq)],
    [join(dir, 'package.accept_keywords', 'prefixkit'), renderTemplate('portage/package.accept_keywords.ejs', { arch: cfg.arch }, dq)],
  ];
}

export const rootOf = (cfg: PrefixConfig, role: RootRole): string => (role === 'staging' ? cfg.stagingRoot : cfg.finalRoot);

/** Staging builds binary packages; final only ever installs them (no compiler, no build deps). */
export function makeConf(cfg: PrefixConfig, role: RootRole): string {
  return renderTemplate('portage/make.conf.ejs', {
    role, name: cfg.name, board: cfg.board, distdir: cfg.distdir, pkgdir: cfg.pkgdir,
    dir: role === 'staging' ? cfg.stagingDir : cfg.finalDir, jobs: cfg.jobs, chost: cfg.chost, keywords: cfg.keywords,
    emergeOpts: role === 'staging' ? '--buildpkg' : '--usepkgonly',
  }, dq);
}

export function reposConf(cfg: PrefixConfig): string {
  const { main, flatcar, prefix, custom } = cfg.repos;
  return renderTemplate('portage/repos.conf.ejs',
    { name: cfg.name, board: cfg.board, main: main.name, repos: [main, flatcar, prefix, ...custom] }, dq);
}
