// The part of re2js prefixkit uses; scripts/build.mjs bundles it alone into dist/vendor/re2js.cjs (see src/util/vendor.ts).
export { RE2JS } from 're2js';
