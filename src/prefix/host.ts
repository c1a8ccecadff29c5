import { availableParallelism } from 'node:os';
import { capture } from '../util/run.js';

/** What prefixkit needs to know about the machine it runs on; gathered once, passed around as data. */
export interface HostFacts {
  readonly root: boolean;
  /** A Gentoo/Flatcar SDK host: emerge and portageq work here. */
  readonly portageHost: boolean;
  /** The host Portage's DISTDIR (the SDK's distfiles cache), when there is one. */
  readonly distdir?: string;
  readonly cpus: number;
  readonly path: readonly string[];
}

export async function probeHost(env: NodeJS.ProcessEnv = process.env): Promise<HostFacts> {
  const distdir = await capture(['portageq', 'envvar', 'DISTDIR'], { env: withoutPrefixVars(env) }).catch(() => undefined);
  return {
    root: process.getuid?.() === 0,
    portageHost: distdir !== undefined,
    ...(distdir ? { distdir } : {}),
    cpus: availableParallelism(),
    path: (env.PATH ?? '').split(':').filter(Boolean),
  };
}

// The host's own config must be read, not a prefix's that the caller's environment points at.
function withoutPrefixVars(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { ROOT: _r, SYSROOT: _s, PORTAGE_CONFIGROOT: _c, EPREFIX: _e, ...rest } = env;
  return rest;
}
