import chalk from 'chalk';
import ora, { type Ora } from 'ora';

/**
 * Progress and messages go to stderr, so stdout stays clean for output that tools read
 * (--dry-run --json, `prefix list --json`). --quiet keeps only warnings and errors.
 */
export class Log {
  private spinner: Ora | undefined;

  constructor(readonly quiet = false, private readonly out: NodeJS.WriteStream = process.stderr) {}

  step(index: number, total: number, name: string, title: string): void {
    this.print(chalk.bold(`==> [${index}/${total}] ${name}: ${title}`));
  }

  info(msg: string): void {
    this.print(msg);
  }

  warn(msg: string): void {
    this.write(`${chalk.yellow('warning:')} ${msg}\n`);
  }

  /** One line of a tool's output, prefixed with who said it (Flatcar's `lineprepend`). */
  line(label: string, text: string): void {
    this.print(`${chalk.dim(`${label}:`)} ${text}`);
  }

  /** Runs `work` under a spinner that shows the elapsed time; lines printed meanwhile appear above it. */
  async spin<T>(text: string, work: () => Promise<T>): Promise<T> {
    if (this.quiet || !this.out.isTTY) return work();
    const started = Date.now();
    const spinner = ora({ text, stream: this.out }).start();
    const timer = setInterval(() => { spinner.text = `${text} (${elapsed(started)})`; }, 1000);
    this.spinner = spinner;
    try {
      const result = await work();
      spinner.succeed(`${text} (${elapsed(started)})`);
      return result;
    } catch (e) {
      spinner.fail(`${text} (${elapsed(started)})`);
      throw e;
    } finally {
      clearInterval(timer);
      this.spinner = undefined;
    }
  }

  private print(msg: string): void {
    if (!this.quiet) this.write(`${msg}\n`);
  }

  private write(text: string): void {
    if (this.spinner) this.spinner.clear();
    this.out.write(text);
    if (this.spinner) this.spinner.render();
  }
}

function elapsed(since: number): string {
  const s = Math.round((Date.now() - since) / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
