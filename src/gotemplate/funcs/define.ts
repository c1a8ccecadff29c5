/**
 * Small builders for GoFunc table entries. Each entry states Go's parameter types exactly as
 * the Go signature has them, so the engine can check and convert arguments the way
 * text/template's reflection does.
 */
import type { GoFunc, GoType, Value } from '../value.js';

// Function bodies receive arguments already converted to the declared Go types; `any` keeps
// each body short (the parameter list documents the real type).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = (...args: any[]) => Value;

/** `func(params...) T` */
export const fn = (params: readonly GoType[], body: Body): GoFunc => ({ params, results: 1, fn: body });

/** `func(params..., ...variadic) T` */
export const fnv = (params: readonly GoType[], variadic: GoType, body: Body): GoFunc =>
  ({ params, variadic, results: 1, fn: body });

/** `func(params...) (T, error)`: the body throws GoFuncError for the error. */
export const fne = (params: readonly GoType[], body: Body): GoFunc => ({ params, results: 2, fn: body });

/** `func(params..., ...variadic) (T, error)` */
export const fnve = (params: readonly GoType[], variadic: GoType, body: Body): GoFunc =>
  ({ params, variadic, results: 2, fn: body });
