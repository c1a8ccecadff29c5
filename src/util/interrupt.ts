/**
 * Ctrl-C, SIGTERM and SIGHUP during long work: instead of dying mid-write, the work's AbortSignal
 * fires, its child processes are stopped, its temporary files removed, and the command exits with
 * 128 + the signal number, as a shell reports it, saying what was (not) left behind.
 */
import { Failure } from './errors.js';

const NUMBERS: Readonly<Record<string, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

export class Interrupted extends Failure {
  override name = 'Interrupted';
  override readonly exitCode: number;
  constructor(signal: NodeJS.Signals, consequence: string) {
    super(`interrupted by ${signal}: ${consequence}`);
    this.exitCode = 128 + NUMBERS[signal]!;
  }
}

/**
 * Runs `work` with a signal that those signals abort (with an Interrupted saying `consequence`);
 * whatever `work` throws after an abort becomes that Interrupted. The handlers go when it ends.
 */
export async function interruptible<T>(consequence: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => abort.abort(new Interrupted(sig, consequence));
  const signals = Object.keys(NUMBERS) as NodeJS.Signals[];
  for (const s of signals) process.on(s, onSignal);
  try {
    return await work(abort.signal);
  } catch (e) {
    throw abort.signal.aborted ? abort.signal.reason : e;
  } finally {
    for (const s of signals) process.off(s, onSignal);
  }
}
