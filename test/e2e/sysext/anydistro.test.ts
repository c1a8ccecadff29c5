import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSysextImage } from '../../support/sysext-image.js';
import { GREETING, PKDEMO, makeTinyPrefix } from '../../support/tiny-prefix.js';

// "Runs on any distro", shown the hard way: the image is loop-mounted read-only in a private mount
// namespace, its usr/ becomes the /usr of an otherwise EMPTY root (no /lib, /bin or /etc of any
// distro), and the prefix's program runs chrooted there with only what the image brings.
const base = mkdtempSync(join(tmpdir(), 'pk-sysext-anydistro-'));
const tree = join(base, 'tree');

beforeAll(() => makeTinyPrefix(tree));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** Loop devices backed by `image`; autoclear detaches them once the last mount is gone, which can take a moment. */
async function loopsOf(image: string, settleMs = 3000): Promise<string> {
  for (const started = Date.now(); ; await delay(100)) {
    const attached = spawnSync('losetup', ['-a'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.includes(image)).join('\n');
    if (!attached || Date.now() - started > settleMs) return attached;
  }
}

describe.each([['squashfs', 'squashfs'], ['erofs', 'erofs']] as const)('a %s image on an empty root', (format, fstype) => {
  it('runs the prefix program chrooted into a root that has nothing but the image\'s /usr', async () => {
    const image = makeSysextImage({ tree, outDir: join(base, format), name: 'pkdemo', format });
    const root = join(base, `root-${format}`);
    const mnt = join(base, `mnt-${format}`);
    mkdirSync(join(root, 'usr'), { recursive: true });
    mkdirSync(mnt);
    const script = [
      'set -e',
      `mount -t ${fstype} -o ro,loop "$1" "$2"`,
      'mount --bind "$2/usr" "$3/usr"',
      'echo "root: $(ls -A "$3")"',
      `chroot "$3" ${PKDEMO}/usr/bin/hello`,
      'umount "$3/usr" "$2"',
    ].join('\n');
    const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script, 'anydistro', image, mnt, root], {
      encoding: 'utf8', env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`root: usr\n${GREETING}\n`);
    expect(r.status).toBe(0);

    expect(await loopsOf(image)).toBe('');
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(base);
  });
});
