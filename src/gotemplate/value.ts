/**
 * Go values as Go's text/template sees them, in JavaScript. The Go type decides how a value
 * prints (`{{ 1.0 }}` is `1`, `{{ .list }}` is `[a b]`), compares and converts, so it is kept:
 *
 * | Go                       | here                                    |
 * |--------------------------|-----------------------------------------|
 * | nil (interface{})        | `null` (a missing key with missingkey=zero too) |
 * | string                   | `string`                                |
 * | bool                     | `boolean`                               |
 * | int (and other ints)     | `number`, always an integer             |
 * | int64                    | `bigint`                                |
 * | float64                  | `GoFloat`                               |
 * | time.Time                | `GoTime`                                |
 * | []interface{}            | `Value[]` (see `typedSlice` for []string and friends) |
 * | map[string]interface{}   | `GoMap` = `Map<string, Value>`          |
 * | a struct (Helm's .Chart) | `GoStruct`                              |
 *
 * int64 (`bigint`) is what sprig's int64 math returns (`int64`, `add`, `sub`, `mul`, `div`, `mod`,
 * `add1`, `max`, `min`, `biggest`, `toDecimal`); it prints, compares and converts as an integer, but
 * `%T`, typeOf and reflection tell it apart from int (`duration` honours int64 only).
 *
 * Everything that makes or takes values (engine, functions, YAML/JSON decoding) uses these.
 */
export type Value = null | string | boolean | number | bigint | GoFloat | GoTime | GoStruct | Value[] | GoMap;

export type GoMap = Map<string, Value>;

/** A float64. Boxed so that 2.0 stays a float (prints `2`, but `eq 2.0 2` is a type error). */
export class GoFloat {
  constructor(readonly f: number) {}
}

/**
 * A time.Time: an instant plus the location it is shown in. `ns` counts nanoseconds since the
 * Unix epoch. The zone is an IANA name ("UTC", "Local" resolved to the process TZ, "Europe/Rome")
 * or a fixed offset from a parsed layout.
 */
export class GoTime {
  constructor(
    readonly ns: bigint,
    readonly zone: { readonly name: string; readonly offsetSeconds?: number } = { name: 'UTC' },
  ) {}
}

/** A Go struct value: its type name (for %T, errors) and its exported fields in declaration order. */
export class GoStruct {
  constructor(readonly typeName: string, readonly fields: ReadonlyMap<string, Value>) {}
}

const sliceTypes = new WeakMap<Value[], string>();

/** Marks an array as a typed Go slice such as `[]string` (what sprig's splitList or keys return). */
export function typedSlice<T extends Value[]>(items: T, goType: string): T {
  sliceTypes.set(items, goType);
  return items;
}

/** The Go type name of a value, as %T and reflection errors print it. */
export function goTypeName(v: Value): string {
  if (v === null) return '<nil>';
  switch (typeof v) {
    case 'string': return 'string';
    case 'boolean': return 'bool';
    case 'number': return 'int';
    case 'bigint': return 'int64';
  }
  if (v instanceof GoFloat) return 'float64';
  if (v instanceof GoTime) return 'time.Time';
  if (v instanceof GoStruct) return v.typeName;
  if (Array.isArray(v)) return sliceTypes.get(v) ?? '[]interface {}';
  return 'map[string]interface {}';
}

/**
 * A template function as Go's reflection sees it: parameter types decide argument conversion and
 * the exact errors ("wrong number of args for X: want 2 got 1", "wrong type for value; expected
 * string; got int"). A function that fails or panics throws `GoFuncError`; the engine reports it
 * as Go does: `error calling X: <message>`.
 */
export interface GoFunc {
  readonly params: readonly GoType[];
  /** The element type of a trailing `...T` parameter. */
  readonly variadic?: GoType;
  /** 1 for `func(...) T`, 2 for `func(...) (T, error)`. */
  readonly results: 1 | 2;
  readonly fn: (...args: Value[]) => Value;
}

/** Parameter types that occur in the Helm/sprig function map. */
export type GoType =
  | 'interface {}' | 'string' | 'bool' | 'int' | 'int64' | 'float64' | 'uint32'
  | '[]interface {}' | '[]string' | 'map[string]interface {}' | 'time.Time' | '[]byte';

export class GoFuncError extends Error {
  override name = 'GoFuncError';
}

export type FuncMap = ReadonlyMap<string, GoFunc>;
