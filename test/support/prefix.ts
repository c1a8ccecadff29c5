import type { PrefixArgs, PrefixConfig } from '../../src/prefix/config.js';
import { resolvePrefixConfig } from '../../src/prefix/config.js';
import type { HostFacts } from '../../src/prefix/host.js';

export const testHost: HostFacts = { root: true, portageHost: false, cpus: 4, path: ['/usr/local/bin', '/usr/bin', '/bin'] };

/** A resolved config for a scratch scripts root, with the staging dir kept inside it. */
export function testConfig(scriptsRoot: string, args: PrefixArgs = {}, host: HostFacts = testHost): Promise<PrefixConfig> {
  return resolvePrefixConfig({ name: 'python', eprefix: '/usr/local/python', staging_dir: `${scriptsRoot}/build/python`, ...args }, host, scriptsRoot);
}
