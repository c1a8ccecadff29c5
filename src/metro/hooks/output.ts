import { createWriteStream, type WriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { Failure } from '../../util/errors.js';
import type { Log } from '../../util/log.js';

/** A line longer than this is shown in pieces rather than held in memory. */
const MAX_LINE = 64 * 1024;

/**
 * Where one command's output goes: every byte, as written, appended to the hook's log file, and
 * (unless quiet) each line of stdout and stderr to the terminal, labelled with the hook's name.
 * Nothing is interpreted: no emoji codes, no dropped lines.
 */
export class HookOutput {
  private readonly file: WriteStream;
  private error: Error | undefined;

  constructor(private readonly label: string, private readonly logPath: string, private readonly log: Log, private readonly quiet: boolean) {
    this.file = createWriteStream(logPath, { flags: 'a' });
    // Reported by close(), after the command: a full disk should not kill the build mid-command.
    this.file.on('error', (e) => { this.error ??= e; });
  }

  /** A line of ours (the command banner, why a command could not start): in the log, and on the terminal unless quiet. */
  note(text: string): void {
    this.file.write(`${text}\n`);
    if (!this.quiet) this.log.info(text);
  }

  /** Copies a stream of the command; resolves at its end. */
  follow(stream: Readable): Promise<void> {
    const decoder = new StringDecoder('utf8');
    let pending = '';
    const show = (text: string, last: boolean) => {
      const lines = (pending + text).split('\n');
      pending = last ? '' : lines.pop()!;
      for (const line of last && lines.at(-1) === '' ? lines.slice(0, -1) : lines) this.log.line(this.label, line);
      if (pending.length > MAX_LINE) { this.log.line(this.label, pending); pending = ''; }
    };
    return new Promise((resolve) => {
      stream.on('data', (chunk: Buffer) => {
        this.file.write(chunk);
        if (!this.quiet) show(decoder.write(chunk), false);
      });
      // 'close' also comes when the stream is destroyed before its end (output left to a background process).
      stream.once('close', () => {
        if (!this.quiet) show(decoder.end(), true);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.file.end(resolve));
    if (this.error) throw new Failure(`cannot write the hook log ${this.logPath}: ${this.error.message}`);
  }
}
