import { Failure, UsageError } from '../util/errors.js';
import { fastDiagnose } from './diagnose.js';

/** The only place that turns errors into messages and exit codes. */
export async function main(args: readonly string[], scriptName = 'prefixkit'): Promise<void> {
  try {
    // A well-formed `diagnose job` skips loading yargs (start-up time); anything else goes through yargs.
    if (scriptName === 'prefixkit' && await fastDiagnose(args)) return;
    await parse(args, scriptName);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`${scriptName}: ${e.message}`);
      process.exitCode = 2;
    } else if (e instanceof Failure) {
      const { default: chalk } = await import('chalk');
      console.error(chalk.red(`${scriptName}: ${e.message}`));
      process.exitCode = 1;
    } else throw e;
  }
}

async function parse(args: readonly string[], scriptName: string): Promise<void> {
  const [{ default: yargs }, { prefixCommand, setupCommand }, { diagnoseCommand }, { templateCommand }] = await Promise.all([
    import('yargs'), import('./prefix.js'), import('./diagnose.js'), import('./template.js'),
  ]);
  const base = yargs([...args]).scriptName(scriptName);
  // setup_prefix is Flatcar's name for `prefixkit prefix setup`, with Flatcar's usage line.
  const cli = (scriptName === 'setup_prefix'
    ? base.command({ ...setupCommand, command: '$0 <name> [eprefix]' }).usage('usage: setup_prefix [flags] <name> <eprefix>')
    : base.usage('usage: $0 <command> [options]')
      .command(prefixCommand)
      .command(diagnoseCommand)
      .command(templateCommand)
      .completion('completion', 'Print a bash/zsh completion script (source it from your shell rc)')
      .demandCommand(1, 'name a command (see --help)'))
    .strict()
    .parserConfiguration({ 'camel-case-expansion': false })
    .wrap(Math.min(110, process.stdout.columns || 110))
    .fail((msg, err) => { throw err ?? new UsageError(msg); });
  await cli.parseAsync();
}
