// The part of eemeli/yaml prefixkit uses; scripts/build.mjs bundles it alone into dist/vendor/yaml.cjs (see src/util/vendor.ts).
export { isAlias, isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
