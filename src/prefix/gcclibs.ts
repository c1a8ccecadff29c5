import { join } from 'node:path';
import { Failure } from '../util/errors.js';
import type { Step } from '../util/plan.js';
import { capture } from '../util/run.js';
import { extractGccLibs, findBinpkg } from './binpkg.js';
import type { PrefixConfig } from './config.js';

/**
 * GCC's run-time libraries (libstdc++, libgcc_s, libgomp…) are not a package of their own and a
 * whole GCC would bloat the final root, so they are taken from the staging GCC's binary package.
 */
export function extractGccLibsStep(cfg: PrefixConfig): Step {
  const eroot = join(cfg.stagingRoot, cfg.eprefix);
  // best_version, not best_visible: an installed GCC counts even when a mask now hides it.
  const query = ['portageq', 'best_version', eroot, 'sys-devel/gcc'];
  const env = { EPREFIX: cfg.eprefix, ROOT: cfg.stagingRoot, PORTAGE_CONFIGROOT: eroot };
  return {
    name: 'gcc-libs', title: `Extracting GCC's run-time libraries into ${join(cfg.finalRoot, cfg.eprefix, 'usr/lib64')}`,
    actions: [{
      kind: 'task',
      describe: `find GCC with \`${query.join(' ')}\`, take its binary package from ${cfg.pkgdir} (gpkg or xpak) and extract usr/lib/gcc/*/*/*.so* into ${join(cfg.finalRoot, cfg.eprefix, 'usr/lib64')}`,
      run: async () => {
        const { SYSROOT: _, ...inherited } = process.env; // a caller's SYSROOT must not redirect the query
        const cpv = await capture(query, { env: { ...inherited, ...env } });
        if (!/^sys-devel\/gcc-\d/.test(cpv)) throw new Failure(`portageq found no installed sys-devel/gcc in ${eroot} (it printed "${cpv}"): the staging bootstrap did not finish`);
        await extractGccLibs(await findBinpkg(cfg.pkgdir, cpv), { eprefix: cfg.eprefix, finalRoot: cfg.finalRoot });
      },
    }],
  };
}
