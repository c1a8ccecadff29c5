import { Failure, UsageError } from '../util/errors.js';

/**
 * The only place that turns errors into messages and exit codes: a usage error exits 2, a
 * failure 1 (an interrupted run 130/143), each as one line; anything else is a bug and keeps its
 * stack trace.
 */
export async function reportErrors(scriptName: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`${scriptName}: ${e.message}`);
      process.exitCode = 2;
    } else if (e instanceof Failure) {
      const { default: chalk } = await import('chalk');
      console.error(chalk.red(`${scriptName}: ${e.message}`));
      process.exitCode = e.exitCode;
    } else throw e;
  }
}
