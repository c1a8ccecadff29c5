import { execa } from 'execa';
import { findTool, toolPath } from '../util/tools.js';
import { Failure } from '../util/errors.js';
import { Holder } from '../util/holder.js';
import { shq } from '../util/shell.js';

export interface Finished { readonly status: number; readonly output: string }

/**
 * A private mount namespace prepared for `systemd-sysext --root=ROOT` (a Holder); commands join
 * it with nsenter. Nothing is mounted in the host's namespace, and when it ends the kernel drops
 * every mount in it, and loop devices systemd attached with autoclear go with them.
 */
export async function openNamespace(root: string): Promise<Namespace> {
  const [unshare, nsenter, mount] = ['unshare', 'nsenter', 'mount'].map(need);
  // /run bound onto itself: systemd-sysext remounts it MS_SLAVE, which fails where /run is no mount point.
  // ROOT bound onto itself and shared: the overlay systemd mounts in its own child namespace propagates back to us.
  const script = [
    'set -e',
    [mount, '--bind', '/run', '/run'].map(shq).join(' '),
    [mount, '--bind', root, root].map(shq).join(' '),
    [mount, '--make-shared', root].map(shq).join(' '),
    'echo ready',
    'read -r _ || :',
  ].join('\n');
  return new Namespace(await Holder.start(unshare!, ['--mount', '--propagation', 'private'], script, 'the scratch mount namespace'), nsenter!);
}

export class Namespace {
  constructor(private readonly holder: Holder, private readonly nsenter: string) {}

  /** Runs argv inside the namespace with exactly `env` (plus our PATH); stdout and stderr interleaved. */
  async exec(argv: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<Finished> {
    const r = await execa(this.nsenter, [`--mount=${this.holder.ns}/mnt`, '--', ...argv], {
      cwd: '/', env: { PATH: toolPath(), ...env }, extendEnv: false, stdin: 'ignore', all: true, reject: false,
    });
    return { status: r.exitCode ?? (r.code === 'ENOENT' ? 127 : -1), output: String(r.all ?? '') };
  }

  close(): Promise<void> {
    return this.holder.close();
  }
}

function need(name: string): string {
  const path = findTool(name);
  if (!path) throw new Failure(`${name} is not installed (install util-linux)`);
  return path;
}
