import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatImageInfo, inspectImage } from '../../../src/sysext/inspect.js';
import { hostArch } from '../../../src/sysext/release.js';
import { UsageError } from '../../../src/util/errors.js';
import { makeSysextImage } from '../../support/sysext-image.js';
import { makeTinyPrefix } from '../../support/tiny-prefix.js';

// `sysext inspect` on real images of the tiny prefix, made with mksquashfs and mkfs.erofs, read
// back by unsquashfs, fsck.erofs and systemd-dissect.
const base = mkdtempSync(join(tmpdir(), 'pk-sysext-inspect-'));
const tree = join(base, 'tree');
/** Non-directory entries of the tree, plus the release file the images get. */
let treeFiles = 0;

beforeAll(() => {
  makeTinyPrefix(tree);
  treeFiles = execFileSync('find', [tree, '!', '-type', 'd'], { encoding: 'utf8' }).trim().split('\n').length + 1;
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

const sha256sum = (path: string) => execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0];

describe.each(['squashfs', 'erofs'] as const)('sysext inspect, %s', (format) => {
  it('reads the release fields, size, file count and sha256 of a good image', async () => {
    const image = makeSysextImage({ tree, outDir: join(base, format), name: 'pkdemo', format, release: `ID=_any\nARCHITECTURE=${hostArch()}\nSYSEXT_VERSION_ID="1.2 beta"\n` });
    const info = await inspectImage(image);
    expect(info).toMatchObject({
      path: image, format, name: 'pkdemo', releaseFile: 'usr/lib/extension-release.d/extension-release.pkdemo',
      release: { ID: '_any', ARCHITECTURE: hostArch(), SYSEXT_VERSION_ID: '1.2 beta' }, arch: hostArch(),
      size: statSync(image).size, files: treeFiles, sha256: sha256sum(image), problems: [],
    });
    expect(info.dissect).toMatchObject({ useSystemExtension: true, extensionRelease: expect.arrayContaining(['ID=_any']) });
    const text = formatImageInfo(info);
    expect(text).toContain(`${format} image "pkdemo"`);
    expect(text).toContain(info.sha256);
    expect(text).toContain('systemd-dissect: usable as a system extension');
    expect(text).toContain('no problems found');
  });

  it('takes the architecture from the programs inside when the release file has none', async () => {
    const image = makeSysextImage({ tree, outDir: join(base, `${format}-noarch`), name: 'pkdemo', format });
    const info = await inspectImage(image);
    expect(info.release).toEqual({ ID: '_any' });
    expect(info.arch).toBe(hostArch());
    expect(formatImageInfo(info)).toContain('from the programs inside');
  });

  it('reports a release file named after another image', async () => {
    const image = makeSysextImage({ tree, outDir: join(base, `${format}-renamed`), name: 'pkdemo-1.0-x86-64', releaseName: 'pkdemo', format });
    const info = await inspectImage(image);
    expect(info.releaseFile).toBe('usr/lib/extension-release.d/extension-release.pkdemo');
    expect(info.release).toEqual({ ID: '_any' });
    expect(info.problems).toEqual([expect.stringMatching(/^release file extension-release\.pkdemo does not match the image name "pkdemo-1\.0-x86-64".*pkdemo\.raw/)]);
    expect(info.dissect).toMatchObject({ useSystemExtension: false });
  });

  it('reports usr/lib/os-release, entries outside usr/ and opt/, and an ARCHITECTURE the programs do not have', async () => {
    const image = makeSysextImage({
      tree, outDir: join(base, `${format}-bad`), name: 'bad', format, release: 'ID=_any\nARCHITECTURE=arm64\n',
      extra: { 'usr/lib/os-release': 'ID=debian\n', 'etc/bad.conf': 'x\n' },
    });
    const info = await inspectImage(image);
    expect(info.arch).toBe('arm64');
    expect(info.problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^usr\/lib\/os-release is present: systemd refuses/),
      'entries outside usr/ and opt/ are never merged: etc',
      `ARCHITECTURE=arm64, but the programs inside are ${hostArch()}`,
    ]));
    expect(info.problems).toHaveLength(3);
  });
});

describe('sysext inspect, wrong input', () => {
  it('refuses a file that is no image, and a missing one, with a one-line usage error', async () => {
    const text = join(base, 'notes.raw');
    writeFileSync(text, 'just text\n'.repeat(200));
    for (const [path, message] of [[text, `${text} is neither a squashfs nor an erofs image`], [join(base, 'absent.raw'), `${join(base, 'absent.raw')}: no such image file`]]) {
      const e = await inspectImage(path!).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(UsageError);
      expect((e as Error).message).toBe(message);
      expect((e as Error).message).not.toContain('\n');
    }
  });
});
