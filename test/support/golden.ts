import { join } from 'node:path';

/**
 * The golden vectors produced by the real implementations (mark-devkit's Helm engine and
 * `mark-devkit diagnose job`). test/golden is the project's copy of the steering checkout's
 * shared/golden, so that a clone alone can run every test; test/unit/golden-copy.test.ts keeps
 * the copy identical to shared/golden wherever that is beside the clone.
 */
export const GOLDEN = join(import.meta.dirname, '..', 'golden');
