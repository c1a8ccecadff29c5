import { plainDiagnoseArgs, runDiagnose } from './diagnose.js';
import { reportErrors } from './report.js';

/**
 * Entry of the precompiled bundle dist/fast/diagnose.cjs (see src/cli/precompiled.ts): runs a
 * plain, complete `diagnose job` and returns true; returns false for anything else, which the
 * full CLI then parses (and reports as yargs does).
 */
export async function fastMain(args: readonly string[]): Promise<boolean> {
  const a = plainDiagnoseArgs(args);
  if (!a) return false;
  await reportErrors('prefixkit', () => runDiagnose(a));
  return true;
}
