import type { CommandModule } from 'yargs';

/** `prefixkit verify <root> --eprefix P`: does the prefix depend on anything outside itself? */
export const verifyCommand: CommandModule<object, { root: string; eprefix: string; json: boolean }> = {
  command: 'verify <root>',
  describe: 'Check that a prefix is self-contained: ELF interpreters, libraries, RUNPATHs, shebangs and symlinks stay inside EPREFIX',
  builder: (y) => y.positional('root', { type: 'string', demandOption: true, describe: 'The root holding the prefix (e.g. a prefix\'s final root)' })
    .options({
      eprefix: { type: 'string', demandOption: true, describe: 'The prefix path inside the root, e.g. /usr/local/python' },
      json: { type: 'boolean', default: false, describe: 'Print JSON' },
    }) as never,
  handler: async (a) => {
    const { verifyCommand: run } = await import('../sysext/command.js');
    await run(a, process.cwd());
  },
};
