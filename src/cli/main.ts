import chalk from 'chalk';
import yargs from 'yargs';
import { Failure, UsageError } from '../util/errors.js';
import { prefixCommand, setupCommand } from './prefix.js';

/** The only place that turns errors into messages and exit codes. */
export async function main(args: readonly string[], scriptName = 'prefixkit'): Promise<void> {
  const base = yargs([...args]).scriptName(scriptName);
  // setup_prefix is Flatcar's name for `prefixkit prefix setup`, with Flatcar's usage line.
  const cli = (scriptName === 'setup_prefix'
    ? base.command({ ...setupCommand, command: '$0 <name> [eprefix]' }).usage('usage: setup_prefix [flags] <name> <eprefix>')
    : base.usage('usage: $0 <command> [options]')
      .command(prefixCommand)
      .completion('completion', 'Print a bash/zsh completion script (source it from your shell rc)')
      .demandCommand(1, 'name a command (see --help)'))
    .strict()
    .parserConfiguration({ 'camel-case-expansion': false })
    .wrap(Math.min(110, process.stdout.columns || 110))
    .fail((msg, err) => { throw err ?? new UsageError(msg); });
  try {
    await cli.parseAsync();
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`${scriptName}: ${e.message}`);
      process.exitCode = 2;
    } else if (e instanceof Failure) {
      console.error(chalk.red(`${scriptName}: ${e.message}`));
      process.exitCode = 1;
    } else throw e;
  }
}
