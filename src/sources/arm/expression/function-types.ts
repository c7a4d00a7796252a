/**
 * The shape of a library function and the argument checks they share, so every function reports
 * wrong types the way ARM does: the function name, the argument position and the type found.
 */
import type { Value } from '../../../model.js';
import type { ExpressionScope } from './api.js';
import type { Expr } from './ast.js';
import { ExpressionError } from './errors.js';
import { isObject, typeName } from './values.js';
import type { ObjectValue } from '../../../model.js';

/** What a function sees of the call besides its arguments. */
export interface CallContext {
  /** The function name as written. */
  name: string;
  /** The call's source text, for messages and unknown reasons. */
  text: string;
  offset: number;
  scope: ExpressionScope;
  /** Evaluates an argument (lazy functions), optionally with lambda variables bound (lower-case names). */
  evaluate(expr: Expr, bindings?: ReadonlyMap<string, Value>): Value;
  /** A bound lambda variable (case-insensitive), undefined when not bound. */
  lambdaVariable(name: string): Value | undefined;
  sourceOf(expr: Expr): string;
}

export interface FunctionDef {
  min: number;
  max: number;
  /** Called with evaluated arguments. */
  call?: (args: Value[], ctx: CallContext) => Value;
  /** Called with the argument expressions; the function evaluates what it needs. */
  lazy?: (args: Expr[], ctx: CallContext) => Value;
  /**
   * How unknown arguments are handled before `call`: `top` (default) returns the first argument
   * that is itself unknown; `deep` also looks inside arrays and objects; `self` lets the function decide.
   */
  unknowns?: 'top' | 'deep' | 'self';
  /**
   * Returns a value that exists already (a parameter, a variable, one of its arguments), checked
   * against the size limit when it was made: not measured again.
   */
  existing?: true;
  /**
   * What it makes of unknowns with a symbol (symbols.ts) when its other arguments are known:
   * `text` calls it with the symbols as text (concat, format, resourceId: the result holds them
   * where the values will be), `case` maps the known text's case (toLower, toUpper), `opaque`
   * gives one symbol for the call (uniqueString, take: the same inputs give the same result).
   * Any other function's result is a plain unknown: a value computed from a name is not the name.
   */
  symbols?: 'text' | 'case' | 'opaque';
}

export type FunctionTable = Record<string, FunctionDef>;

export function fail(ctx: CallContext, message: string): never {
  throw new ExpressionError(
    `The template language function '${ctx.name}' ${message} (in ${ctx.text}).`,
    ctx.offset,
  );
}

function ordinal(index: number): string {
  return ['first', 'second', 'third', 'fourth', 'fifth', 'sixth'][index] ?? `${index + 1}th`;
}

function wrongType(ctx: CallContext, index: number, expected: string, value: Value): never {
  fail(ctx, `expects its ${ordinal(index)} argument to be ${expected}, but it is ${typeName(value)}`);
}

export function str(ctx: CallContext, args: Value[], index: number): string {
  const value = args[index];
  if (typeof value !== 'string') wrongType(ctx, index, 'a string', value);
  return value;
}

export function int(ctx: CallContext, args: Value[], index: number): number {
  const value = args[index];
  if (typeof value !== 'number' || !Number.isInteger(value)) wrongType(ctx, index, 'an integer', value);
  return value;
}

export function num(ctx: CallContext, args: Value[], index: number): number {
  const value = args[index];
  if (typeof value !== 'number') wrongType(ctx, index, 'a number', value);
  return value;
}

export function bool(ctx: CallContext, args: Value[], index: number): boolean {
  const value = args[index];
  if (typeof value !== 'boolean') wrongType(ctx, index, 'a boolean', value);
  return value;
}

export function arr(ctx: CallContext, args: Value[], index: number): Value[] {
  const value = args[index];
  if (!Array.isArray(value)) wrongType(ctx, index, 'an array', value);
  return value;
}

export function obj(ctx: CallContext, args: Value[], index: number): ObjectValue {
  const value = args[index];
  if (!isObject(value)) wrongType(ctx, index, 'an object', value);
  return value;
}

export { wrongType };
