/**
 * The function map Helm v3.17.3 installs for mark-devkit: sprig v3.3.0's TxtFuncMap without
 * `env` and `expandenv`, plus Helm's toToml/fromToml/toYaml/mustToYaml/toYamlPretty/fromYaml/
 * fromYamlArray/toJson/mustToJson/fromJson/fromJsonArray, `lookup` (empty map, no cluster) and
 * `getHostByName` ("": DNS is off). include, tpl, required and fail belong to the engine.
 */
import type { GoFunc, GoMap } from '../value.js';
import { cryptoFuncs } from './crypto.js';
import { dateFuncs } from './dates.js';
import { defaultFuncs } from './defaults.js';
import { fn, fne } from './define.js';
import { dictFuncs } from './dicts.js';
import { encodingFuncs } from './encoding.js';
import { listFuncs } from './lists.js';
import { mathFuncs } from './math.js';
import { pathFuncs } from './paths.js';
import { reflectFuncs } from './reflect/types.js';
import { regexFuncs } from './regex.js';
import { semverFuncs } from './semver.js';
import { stringFuncs } from './strings.js';
import { tomlFuncs } from './toml.js';
import { yamlJsonFuncs } from './yamljson.js';

const helmExtras: Record<string, GoFunc> = {
  lookup: fne(['string', 'string', 'string', 'string'], (): GoMap => new Map()),
  getHostByName: fn(['string'], () => ''),
};

let cached: Map<string, GoFunc> | undefined;

/** The Helm/sprig function table (built once). */
export function helmFuncMap(): Map<string, GoFunc> {
  cached ??= new Map(Object.entries({
    ...stringFuncs, ...listFuncs, ...dictFuncs, ...mathFuncs, ...dateFuncs, ...defaultFuncs, ...encodingFuncs,
    ...cryptoFuncs, ...regexFuncs, ...semverFuncs, ...reflectFuncs, ...pathFuncs,
    // Helm's own functions come last: they replace sprig's toJson, mustToJson and fromJson.
    ...yamlJsonFuncs, ...tomlFuncs, ...helmExtras,
  }));
  return cached;
}
