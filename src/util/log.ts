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

  /**
   * Runs `work` under a spinner that shows the elapsed time and whatever detail `work` reports
   * (bytes and rate); lines printed meanwhile appear above it. No spinner off a TTY or when quiet.
   */
  async spin<T>(text: string, work: (detail: (d: string) => void) => Promise<T>): Promise<T> {
    if (this.quiet || !this.out.isTTY) return work(() => {});
    const started = Date.now();
    const spinner = ora({ text, stream: this.out }).start();
    let detail = '';
    const show = () => { spinner.text = `${text} (${elapsed(started)}${detail ? `, ${detail}` : ''})`; };
    const timer = setInterval(show, 1000);
    this.spinner = spinner;
    try {
      const result = await work((d) => { detail = d; show(); });
      spinner.succeed(`${text} (${elapsed(started)}${detail ? `, ${detail}` : ''})`);
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

/** 1.5 MiB, 200 KiB, 17 B. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  for (; n >= 1024 && i < units.length - 1; i++) n /= 1024;
  return i === 0 ? `${Math.round(n)} B` : `${n.toFixed(1)} ${units[i]}`;
}

/** Bytes so far and the rate since `since` (ms timestamp): "12.0 MiB at 4.1 MiB/s". */
export function formatProgress(bytes: number, since: number, total?: number): string {
  const secs = Math.max((Date.now() - since) / 1000, 0.001);
  return `${formatBytes(bytes)}${total ? ` of ${formatBytes(total)}` : ''} at ${formatBytes(bytes / secs)}/s`;
}
