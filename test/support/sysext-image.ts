/**
 * Sysext images for the inspect/check tests, made with the plain tools as bake.sh and the bakery
 * make them (sysext bake is tested on its own): a copy of a tree plus a release file of our
 * choosing, so a test can give it a wrong name or wrong fields.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface ImageSpec {
  /** The tree to pack (left untouched; a copy gets the release file). */
  readonly tree: string;
  /** The directory the image lands in, as NAME.raw. */
  readonly outDir: string;
  readonly name: string;
  readonly format: 'squashfs' | 'erofs';
  /** The release file's text; default `ID=_any`. */
  readonly release?: string;
  /** The release file is extension-release.<releaseName>; default the image name. */
  readonly releaseName?: string;
  /** More files to put in, by path relative to the image root (e.g. usr/lib/os-release). */
  readonly extra?: Readonly<Record<string, string>>;
}

/** Builds OUTDIR/NAME.raw and returns its path. */
export function makeSysextImage(s: ImageSpec): string {
  const stage = join(s.outDir, `.stage-${s.name}`);
  const image = join(s.outDir, `${s.name}.raw`);
  mkdirSync(s.outDir, { recursive: true });
  rmSync(stage, { recursive: true, force: true });
  execFileSync('cp', ['-a', s.tree, stage]);
  const files = { [`usr/lib/extension-release.d/extension-release.${s.releaseName ?? s.name}`]: s.release ?? 'ID=_any\n', ...s.extra };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(stage, path)), { recursive: true });
    writeFileSync(join(stage, path), text);
  }
  const env = { ...process.env, SOURCE_DATE_EPOCH: '0' };
  if (s.format === 'squashfs') execFileSync('mksquashfs', [stage, image, '-all-root', '-noappend', '-quiet'], { env, stdio: 'ignore' });
  else execFileSync('mkfs.erofs', ['--all-root', '-U00000000-0000-0000-0000-000000000000', image, stage], { env, stdio: 'ignore' });
  rmSync(stage, { recursive: true, force: true });
  return image;
}
