#!/usr/bin/env node
// CommonJS (bin/package.json): Node starts a CommonJS entry faster than an ES module.
const args = process.argv.slice(2);

(async () => {
  // A plain `diagnose job` runs from a precompiled bundle, for start-up time (src/cli/precompiled.ts).
  const done = ['diagnose', 'di', 'd'].includes(args[0]) && await require('../dist/fast/load.cjs').fastMain(args);
  if (!done) await (await import('../dist/cli/main.js')).main(args);
})();
