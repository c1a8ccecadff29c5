// Bundles the CLI with esbuild: dist/cli/main.js plus lazily loaded chunks in dist/chunks/, and the
// libraries only some inputs need in dist/vendor/ (src/util/vendor.ts requires them on first use).
// Every output file sits one directory below dist/, so `new URL('../../templates/', import.meta.url)`
// (src/util/template.ts) still finds templates/ from any chunk. Type checking is `npm run typecheck`.
import { execFileSync } from 'node:child_process';
import { readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Built beside dist/ and swapped in only when complete, so a failed build leaves the last good one.
const out = join(root, 'dist.new');
rmSync(out, { recursive: true, force: true });
const common = {
  absWorkingDir: root,
  outbase: 'src',
  outdir: out,
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  // Smaller and faster to load; identifiers are kept so that a bug's stack trace still names functions.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  // yaml's "node" export is CommonJS; its ESM build is the same code, smaller once tree-shaken and faster to start.
  alias: { yaml: './node_modules/yaml/browser/index.js' },
};
await build({
  ...common,
  entryPoints: ['src/cli/main.ts'],
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  format: 'esm',
  // src/util/vendor.ts then requires dist/vendor/*.cjs instead of the packages.
  define: { PREFIXKIT_BUNDLE: 'true' },
  // Bundled CommonJS dependencies (ejs, fs-extra) call require() for Node built-ins.
  banner: { js: "import { createRequire as __pkCreateRequire } from 'node:module'; const require = __pkCreateRequire(import.meta.url);" },
});
// Each vendored library alone, as CommonJS: require() loads it synchronously on any Node version.
await build({
  ...common,
  entryPoints: readdirSync(join(root, 'src/vendor')).map((f) => `src/vendor/${f}`),
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
});
// A plain `diagnose job` as one CommonJS file plus its loader, for start-up time (src/cli/precompiled.ts).
await build({
  ...common,
  entryPoints: { 'fast/diagnose': 'src/cli/fast.ts', 'fast/load': 'src/cli/precompiled.ts' },
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  define: { PREFIXKIT_BUNDLE: 'true', 'import.meta.url': '__pkModuleUrl' },
  banner: { js: "var __pkModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
});

// src/util/template.ts finds templates/ at '../../templates/' from the module's URL: keep every file one level deep.
const deep = readdirSync(out, { recursive: true }).map(String).filter((f) => /\.c?js$/.test(f) && f.split('/').length !== 2);
if (deep.length) throw new Error(`build: ${deep.join(', ')} not one directory below dist/; templates/ would not be found`);
rmSync(join(root, 'dist'), { recursive: true, force: true });
renameSync(out, join(root, 'dist'));

// The V8 code cache of dist/fast/diagnose.cjs, taken after rendering the example job (a smoke test too).
execFileSync(process.execPath, ['bin/prefixkit.js', 'diagnose', 'job', '--quiet', '--specfile', 'examples/metro/jobs/x86_64/stage3.yaml', '--job', 'stage3-next'],
  { cwd: root, env: { ...process.env, PREFIXKIT_WRITE_CODE_CACHE: '1' }, stdio: ['ignore', 'ignore', 'inherit'] });
