import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkImage, formatCheckResult } from '../../../src/sysext/check.js';
import { SCRATCH_PREFIX } from '../../../src/sysext/check-scratch.js';
import { hostArch } from '../../../src/sysext/release.js';
import { UsageError } from '../../../src/util/errors.js';
import { Log } from '../../../src/util/log.js';
import { makeSysextImage } from '../../support/sysext-image.js';
import { GREETING, PKDEMO, makeTinyPrefix } from '../../support/tiny-prefix.js';

// `sysext check` for real, as root: systemd-sysext 252 merges (or skips) tiny-prefix images in a
// scratch root inside a private mount namespace; nothing may remain afterwards.
const base = mkdtempSync(join(tmpdir(), 'pk-sysext-checktest-'));
const tree = join(base, 'tree');
const log = new Log(true);
const HELLO = [`${PKDEMO}/usr/bin/hello`];

const image = (name: string, release: string, format: 'squashfs' | 'erofs' = 'squashfs') =>
  makeSysextImage({ tree, outDir: join(base, 'images', format), name, format, release });
const osRelease = (name: string, text: string) => {
  const path = join(base, `${name}.os-release`);
  writeFileSync(path, text);
  return path;
};

beforeAll(() => makeTinyPrefix(tree));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** Scratch dirs, their mounts and loop devices, and systemd's /run leftovers, as the test found them. */
const scratchDirs = () => readdirSync(tmpdir()).filter((n) => n.startsWith(SCRATCH_PREFIX));
let before: { scratch: string[]; runSysext: boolean };
beforeEach(() => { before = { scratch: scratchDirs(), runSysext: existsSync('/run/systemd/sysext') }; });
afterEach(() => {
  expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(SCRATCH_PREFIX);
  expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(base);
  expect(execFileSync('losetup', ['-a'], { encoding: 'utf8' })).not.toContain(SCRATCH_PREFIX);
  expect(scratchDirs()).toEqual(before.scratch);
  if (!before.runSysext) expect(existsSync('/run/systemd/sysext')).toBe(false);
});

describe('sysext check', () => {
  it.each(['squashfs', 'erofs'] as const)('merges an ID=_any %s image and runs the probe in the merged root', async (format) => {
    const img = image('pkdemo', 'ID=_any\n', format);
    const r = await checkImage(img, { run: HELLO }, log);
    expect(r).toMatchObject({ merged: true, probe: { argv: HELLO, status: 0, output: GREETING } });
    expect(r.reason).toBeUndefined();
    expect(r.systemdOutput).toContain("Using extensions 'pkdemo'.");
    expect(r.systemdOutput).toContain('Unmerged');
    expect(formatCheckResult(r, img)).toBe(`${img}: systemd merges it\n  probe: ${HELLO[0]} exited 0\n    ${GREETING}\n`);
  });

  it('lists what got merged when there is no probe command', async () => {
    const r = await checkImage(image('pkdemo', `ID=_any\nARCHITECTURE=${hostArch()}\n`), {}, log);
    expect(r.merged).toBe(true);
    const listed = r.probe!.output.split('\n');
    expect(listed).toEqual(expect.arrayContaining([`${PKDEMO}/usr/bin/hello`, '/usr/lib/extension-release.d/extension-release.pkdemo']));
    expect(listed).not.toContain('/usr/lib/os-release');
  });

  it('reports the architecture when systemd skips an arm64 image (it exits 0)', async () => {
    const img = image('armdemo', 'ID=_any\nARCHITECTURE=arm64\n');
    const r = await checkImage(img, { run: HELLO }, log);
    expect(r.merged).toBe(false);
    expect(r.probe).toBeUndefined();
    expect(r.reason).toBe(`Extension 'armdemo' is for architecture 'arm64', but deployed on top of '${hostArch()}'.`);
    expect(formatCheckResult(r, img)).toBe(`${img}: systemd does NOT merge it: ${r.reason}\n`);
  });

  it('skips an ID=fedora SYSEXT_LEVEL=1.0 image on this host, and merges it on fedora and flatcar targets', async () => {
    const img = image('fedora', 'ID=fedora\nSYSEXT_LEVEL=1.0\n');
    const host = await checkImage(img, {}, log);
    expect(host.merged).toBe(false);
    expect(host.reason).toMatch(/^Extension 'fedora' is for OS 'fedora', but deployed on top of '[a-z]+'\.$/);

    const fedora = osRelease('fedora', 'NAME="Fedora Linux"\nID=fedora\nVERSION_ID=40\nSYSEXT_LEVEL=1.0\n');
    const onFedora = await checkImage(img, { osRelease: fedora, run: HELLO }, log);
    expect(onFedora).toMatchObject({ merged: true, probe: { status: 0, output: GREETING } });

    const flatcarImg = image('flatcar', 'ID=flatcar\nSYSEXT_LEVEL=1.0\n');
    const flatcar = osRelease('flatcar', 'ID=flatcar\nVERSION_ID=3815.2.0\nSYSEXT_LEVEL=1.0\n');
    expect(await checkImage(flatcarImg, { osRelease: flatcar, run: HELLO }, log)).toMatchObject({ merged: true, probe: { output: GREETING } });
  });

  it('gives the level mismatch as the reason', async () => {
    const flatcar = osRelease('flatcar2', 'ID=flatcar\nVERSION_ID=3815.2.0\nSYSEXT_LEVEL=1.0\n');
    const r = await checkImage(image('level2', 'ID=flatcar\nSYSEXT_LEVEL=2.0\n'), { osRelease: flatcar }, log);
    expect(r.merged).toBe(false);
    expect(r.reason).toMatch(/sysext API level '2\.0', but running on sysext API level '1\.0'/);
  });

  it('gives the refusal of an image that carries usr/lib/os-release, and of a misnamed image', async () => {
    const osrel = makeSysextImage({ tree, outDir: join(base, 'images/osrel'), name: 'osrel', format: 'squashfs', extra: { 'usr/lib/os-release': 'ID=debian\n' } });
    expect((await checkImage(osrel, {}, log)).reason).toMatch(/contains \/usr\/lib\/os-release file.*refusing/);
    const renamed = makeSysextImage({ tree, outDir: join(base, 'images/renamed'), name: 'renamed', releaseName: 'pkdemo', format: 'squashfs' });
    const r = await checkImage(renamed, {}, log);
    expect(r.merged).toBe(false);
    expect(r.reason).toMatch(/^Failed to read metadata for image renamed: No medium found/);
  });

  it('refuses input that cannot be checked with one-line usage errors', async () => {
    const img = image('pkdemo', 'ID=_any\n');
    const notRaw = join(base, 'pkdemo.img');
    writeFileSync(notRaw, '');
    // Each check starts only when awaited, so no rejection waits unhandled for its turn.
    const cases: Array<[() => Promise<unknown>, string]> = [
      [() => checkImage(join(base, 'absent.raw'), {}, log), `${join(base, 'absent.raw')}: no such image file`],
      [() => checkImage(notRaw, {}, log), `${notRaw}: systemd-sysext only merges NAME.raw files; rename it`],
      [() => checkImage(img, { osRelease: join(base, 'nope') }, log), `--os-release ${join(base, 'nope')}: cannot read the file`],
      [() => checkImage(img, { osRelease: osRelease('noid', 'NAME=x\n') }, log), `--os-release ${join(base, 'noid.os-release')}: no ID= line, so it is not an os-release file`],
    ];
    for (const [check, message] of cases) {
      const e = await check().catch((err: unknown) => err);
      expect(e).toBeInstanceOf(UsageError);
      expect((e as Error).message).toBe(message);
    }
  });
});
