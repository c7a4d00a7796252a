/**
 * ARM template expressions: parse `[...]` strings and evaluate them with ARM's semantics against
 * an `ExpressionScope`. Values that only Azure knows at deployment come back as `UnknownValue`s
 * naming the expression; what ARM itself would reject throws `ExpressionError`.
 */
import { UnknownValue, type Value } from '../../../model.js';
import type { ExpressionScope } from './api.js';
import type { Expr } from './ast.js';
import { ExpressionError } from './errors.js';
import { evaluateNode, evaluateString, type Evaluation } from './evaluate.js';

export type { Expr, ParseResult } from './ast.js';
export type { DeploymentContext, DeploymentScope, ExpressionScope, UserFunction } from './api.js';
export { ExpressionError } from './errors.js';
export { isExpression, parseExpression } from './parser.js';
export { armGuid, uniqueString } from './hash.js';
export { builtInFunctionNames } from './library.js';
export { DeploymentTimeUnknown, markPartial } from './values.js';

/** A stack overflow becomes ARM's kind of error; anything else passes through. */
function tooDeep(error: unknown): unknown {
  return error instanceof RangeError
    ? new ExpressionError(`The expression is too deeply nested or recursive to evaluate (${error.message}).`)
    : error;
}

function run(body: () => Value): Value {
  try {
    const value = body();
    return value === undefined ? new UnknownValue('the expression produced no value') : value;
  } catch (error) {
    throw tooDeep(error);
  }
}

/**
 * Evaluates a template string: a literal comes back as is (a leading `[[` unescaped to `[`), an
 * expression `[...]` is parsed and evaluated. Throws `ExpressionError` for what ARM rejects;
 * errors thrown by the scope itself (for example a variables cycle) pass through unchanged.
 */
export function evaluateTemplateString(text: string, scope: ExpressionScope): Value {
  try {
    const value = evaluateString(text, { scope, source: text, lambdaVariables: NO_BINDINGS, depth: 0 });
    return value === undefined ? new UnknownValue('the expression produced no value') : value;
  } catch (error) {
    throw tooDeep(error);
  }
}

/** No lambda variables bound (shared: bindings always make a new map). */
const NO_BINDINGS: ReadonlyMap<string, Value> = new Map();

/**
 * Evaluates an already parsed expression. `source` is the text it was parsed from (used to quote
 * sub-expressions in messages and unknown reasons); without it, the tree is printed back.
 */
export function evaluateExpression(ast: Expr, scope: ExpressionScope, source = ''): Value {
  const ev: Evaluation = { scope, source, lambdaVariables: new Map(), depth: 0 };
  return run(() => evaluateNode(ev, ast));
}
