// Two kinds of errors reach the user: a UsageError is their mistake (one line, exit 2),
// a Failure is something that went wrong while working (exit 1). Anything else is a bug.
export class UsageError extends Error {
  override name = 'UsageError';
  readonly exitCode = 2;
}

export class Failure extends Error {
  override name = 'Failure';
  readonly exitCode: number = 1;
}

export class CommandFailed extends Failure {
  override name = 'CommandFailed';
  constructor(
    readonly argv: readonly string[],
    readonly status: number | undefined,
    readonly signal: string | undefined,
    readonly stderrTail: string,
  ) {
    const how = signal ? `was killed by ${signal}` : status === 127 ? 'exited 127 (not found)' : `exited ${status}`;
    super(`"${argv.join(' ')}" ${how}${stderrTail ? `:\n${stderrTail}` : ''}`);
  }
  /** From a finished child process (execa's result); one that could not start is 127, as in a shell. */
  static of(argv: readonly string[], r: { exitCode?: number; code?: string; signal?: string }, stderrTail: string): CommandFailed {
    return new CommandFailed(argv, r.exitCode ?? (r.code === 'ENOENT' ? 127 : undefined), r.signal ?? undefined, stderrTail);
  }
}

/** A step of a plan failed: names the step and where its log is. */
export class StepFailed extends Failure {
  override name = 'StepFailed';
  constructor(readonly step: string, readonly reason: Error, readonly logPath?: string) {
    super(`step "${step}" failed: ${reason.message}${logPath ? `\n  log: ${logPath}` : ''}`);
  }
}
