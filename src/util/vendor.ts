/**
 * Code that only some inputs need, loaded on first use so that a plain `diagnose job` never
 * compiles it: re2js (the regex functions), eemeli/yaml (fromYaml, and YAML the fast parser leaves
 * to it), and the Node built-ins node:crypto and node:net (hashes, random strings, certificates),
 * whose many internal modules Node would otherwise load at start-up. Template functions are
 * synchronous, so this is require(). In the bundle each library is its own file,
 * dist/vendor/<name>.cjs (scripts/build.mjs defines PREFIXKIT_BUNDLE); run from source (vitest),
 * the packages themselves are required.
 */
import { createRequire } from 'node:module';

declare const PREFIXKIT_BUNDLE: true | undefined;
const load = createRequire(import.meta.url);

function once<T>(id: string): () => T {
  let m: T | undefined;
  return () => (m ??= load(id) as T);
}

// Every bundle file sits one directory below dist/ (scripts/build.mjs checks it).
const library = <T>(name: string) => once<T>(typeof PREFIXKIT_BUNDLE !== 'undefined' ? `../vendor/${name}.cjs` : name);

export const re2js = library<typeof import('../vendor/re2js.js')>('re2js');
export const yamlLib = library<typeof import('../vendor/yaml.js')>('yaml');
export const nodeCrypto = once<typeof import('node:crypto')>('node:crypto');
export const nodeNet = once<typeof import('node:net')>('node:net');
