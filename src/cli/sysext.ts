import type { CommandModule } from 'yargs';

/** Repeated flags as a list. */
const list = (v: string | string[]): string[] => [v].flat();

/** `prefixkit sysext bake|inspect|check`: systemd system extensions from prefix roots. */
export const sysextCommand: CommandModule = {
  command: 'sysext <command>',
  describe: 'Bake, inspect and check systemd-sysext images of prefixes (see SYSEXT.md)',
  builder: (y) => y.command(bakeCommand).command(inspectCommand).command(checkCommand).demandCommand(1, 'name a sysext command: bake, inspect or check'),
  handler: () => {},
};

interface BakeArgs {
  root?: string; prefix?: string; board?: string; 'scripts-root'?: string; name?: string; eprefix?: string;
  format: 'squashfs' | 'erofs'; os: string; 'version-id'?: string; 'sysext-level'?: string; arch?: string; output?: string;
  force: boolean; protect?: string[]; strict: boolean; 'dry-run': boolean; quiet: boolean;
}

const bakeCommand: CommandModule<object, BakeArgs> = {
  command: 'bake [root]',
  describe: 'Bake a root directory (or --prefix NAME\'s final root) into NAME.raw',
  builder: (y) => y
    .positional('root', { type: 'string', describe: 'Root directory to bake (its usr/ and opt/)' })
    .options({
      prefix: { type: 'string', describe: 'Bake the final root of this prefix (made by setup_prefix)' },
      board: { type: 'string', describe: 'The prefix\'s board when the name exists for several (amd64-usr, arm64-usr)' },
      'scripts-root': { type: 'string', alias: 'scripts_root', describe: 'Where setup_prefix keeps prefixes (default: .)' },
      name: { type: 'string', describe: 'Image name (NAME.raw, extension-release.NAME); default: the prefix or directory name' },
      eprefix: { type: 'string', describe: 'The prefix path inside the root, for the self-containment check (default: the prefix\'s, or the only dir under usr/local or opt)' },
      format: { choices: ['squashfs', 'erofs'] as const, default: 'squashfs' as const, describe: 'File system of the image' },
      os: { type: 'string', default: '_any', describe: 'ID= of the hosts it is for: _any, or e.g. flatcar' },
      'version-id': { type: 'string', describe: 'VERSION_ID= the host must have' },
      'sysext-level': { type: 'string', describe: 'SYSEXT_LEVEL= the host must have (flatcar: 1.0 by default)' },
      arch: { type: 'string', describe: 'ARCHITECTURE= (x86-64, arm64, or amd64, aarch64…); default: the board, else the ELF files inside, else the host' },
      output: { type: 'string', describe: 'Directory for NAME.raw and NAME.raw.sha256 (default: .)' },
      force: { type: 'boolean', default: false, describe: 'Replace an existing NAME.raw' },
      protect: { type: 'string', coerce: list, describe: 'A path that must not be in the image because it would hide a host symlink (default: usr/sbin); repeatable' },
      strict: { type: 'boolean', default: false, describe: 'Fail instead of warning when the prefix is not self-contained' },
      'dry-run': { type: 'boolean', default: false, describe: 'Print the plan (release file, image command, output) and do nothing' },
      quiet: { type: 'boolean', default: false, describe: 'Only warnings and errors' },
    }) as never,
  handler: async (a) => {
    const { sysextBakeCommand: run } = await import('../sysext/command.js');
    await run({
      ...(a.root ? { root: a.root } : {}), ...(a.prefix ? { prefix: a.prefix } : {}), ...(a.board ? { board: a.board } : {}),
      ...(a['scripts-root'] ? { scriptsRoot: a['scripts-root'] } : {}), ...(a.name ? { name: a.name } : {}), ...(a.eprefix ? { eprefix: a.eprefix } : {}),
      format: a.format, os: a.os, ...(a['version-id'] ? { versionId: a['version-id'] } : {}), ...(a['sysext-level'] ? { sysextLevel: a['sysext-level'] } : {}),
      ...(a.arch ? { arch: a.arch } : {}), ...(a.output ? { output: a.output } : {}), force: a.force, ...(a.protect ? { protect: a.protect } : {}),
      strict: a.strict, dryRun: a['dry-run'], quiet: a.quiet,
    }, process.cwd());
  },
};

const inspectCommand: CommandModule<object, { image: string; json: boolean }> = {
  command: 'inspect <image>',
  describe: 'Read an image back: release fields, arch, size, files, sha256, problems',
  builder: (y) => y.positional('image', { type: 'string', demandOption: true }).options({ json: { type: 'boolean', default: false, describe: 'Print JSON' } }) as never,
  handler: async (a) => {
    const { sysextInspectCommand: run } = await import('../sysext/command.js');
    await run(a, process.cwd());
  },
};

const checkCommand: CommandModule<object, { image: string; 'os-release'?: string; run?: string[]; json: boolean; quiet: boolean }> = {
  command: 'check <image>',
  describe: 'Would systemd merge this image on that host? A real systemd-sysext merge into a scratch root (root only)',
  builder: (y) => y.positional('image', { type: 'string', demandOption: true }).options({
    'os-release': { type: 'string', describe: 'os-release of the target host (default: this host\'s)' },
    run: { type: 'string', coerce: list, describe: 'A program to run in the merged root, e.g. /usr/local/NAME/usr/bin/tool (repeat for its arguments)' },
    json: { type: 'boolean', default: false, describe: 'Print JSON' },
    quiet: { type: 'boolean', default: false, describe: 'Only warnings and errors' },
  }) as never,
  handler: async (a) => {
    const { sysextCheckCommand: run } = await import('../sysext/command.js');
    await run({ image: a.image, ...(a['os-release'] ? { osRelease: a['os-release'] } : {}), ...(a.run ? { run: a.run } : {}), json: a.json, quiet: a.quiet }, process.cwd());
  },
};
