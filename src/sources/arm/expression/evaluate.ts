/**
 * Evaluates a parsed ARM expression against an `ExpressionScope`. Function calls dispatch to the
 * library (case-insensitive names); unknown arguments propagate unless the function can decide
 * anyway; `if`, `and`, `or` and the lambda functions evaluate their arguments lazily.
 */
import { UnknownValue, isUnknown, type Value } from '../../../model.js';
import {
  COSTS,
  LIMITS,
  TemplateLimitError,
  active,
  charge,
  ensureSize,
  overBudget,
  sizeOf,
} from '../limits.js';
import type { ExpressionScope } from './api.js';
import type { Call, Expr, ParseResult } from './ast.js';
import { ExpressionError } from './errors.js';
import type { CallContext, FunctionDef } from './function-types.js';
import { lookupFunction } from './library.js';
import { parseExpression } from './parser.js';
import { callSymbol, caseSymbol, hasAtom, memberSymbol, symbolText, withoutSymbol } from './symbols.js';
import {
  DeploymentTimeUnknown,
  findKey,
  findUnknown,
  isObject,
  isPartial,
  setKey,
  typeName,
} from './values.js';

/** Guard against runaway recursion through user-defined functions. */
const MAX_CALL_DEPTH = 64;

/** State of one evaluation: the scope, the source text (for messages) and bound lambda variables. */
export interface Evaluation {
  scope: ExpressionScope;
  /** Source the offsets refer to; used to quote sub-expressions in messages and unknown reasons. */
  source: string;
  lambdaVariables: ReadonlyMap<string, Value>;
  depth: number;
}

function sourceOf(ev: Evaluation, expr: Expr): string {
  const text = ev.source.slice(expr.start, expr.end);
  return text || describeExpr(expr);
}

function describeExpr(expr: Expr): string {
  switch (expr.kind) {
    case 'string':
      return `'${expr.value.replace(/'/g, "''")}'`;
    case 'number':
      return String(expr.value);
    case 'call':
      return `${expr.namespace ? `${expr.namespace}.` : ''}${expr.name}(${expr.args.map(describeExpr).join(', ')})`;
    case 'property':
      return `${describeExpr(expr.target)}.${expr.name}`;
    case 'index':
      return `${describeExpr(expr.target)}[${describeExpr(expr.index)}]`;
  }
}

/**
 * Property or index access into an unknown stays unknown; deployment-time unknowns name the longer
 * path, and a symbol (symbols.ts) becomes the symbol of the member.
 */
function accessUnknown(
  ev: Evaluation,
  target: UnknownValue,
  expr: Expr,
  member: Value = expr.kind === 'property' ? expr.name : null,
): UnknownValue {
  if (target instanceof DeploymentTimeUnknown) return new DeploymentTimeUnknown(sourceOf(ev, expr));
  if (target.symbol === undefined) return target;
  return typeof member === 'string' || typeof member === 'number'
    ? new UnknownValue(target.reason, memberSymbol(target.symbol, member))
    : withoutSymbol(target);
}

export function evaluateNode(ev: Evaluation, expr: Expr): Value {
  // One step per node: inlined, this is the evaluator's hottest line.
  if (active !== undefined && ++active.used > active.limit) overBudget();
  switch (expr.kind) {
    case 'string':
    case 'number':
      return expr.value;
    case 'call':
      return evaluateCall(ev, expr);
    case 'property': {
      const target = evaluateNode(ev, expr.target);
      if (isUnknown(target)) return accessUnknown(ev, target, expr);
      if (isPartial(target) && isObject(target) && findKey(target, expr.name) === undefined) {
        return new DeploymentTimeUnknown(sourceOf(ev, expr));
      }
      return getProperty(target, expr.name, sourceOf(ev, expr.target), expr.start);
    }
    case 'index': {
      const target = evaluateNode(ev, expr.target);
      const index = evaluateNode(ev, expr.index);
      if (isUnknown(target)) return accessUnknown(ev, target, expr, index);
      if (isUnknown(index)) return withoutSymbol(index);
      if (
        isPartial(target) &&
        isObject(target) &&
        typeof index === 'string' &&
        findKey(target, index) === undefined
      ) {
        return new DeploymentTimeUnknown(sourceOf(ev, expr));
      }
      return getIndex(target, index, sourceOf(ev, expr.target), expr.start);
    }
  }
}

/** `target.name`: case-insensitive on objects; ARM fails on a missing property. */
export function getProperty(target: Value, name: string, targetText: string, offset?: number): Value {
  if (!isObject(target)) {
    throw new ExpressionError(
      `The language expression property '${name}' can't be evaluated: ${targetText} is ${typeName(target)}, not an object.`,
      offset,
    );
  }
  const key = findKey(target, name);
  if (key === undefined) {
    const available = Object.keys(target);
    throw new ExpressionError(
      `The language expression property '${name}' doesn't exist in ${targetText}; available properties are ${
        available.length ? `'${available.join(', ')}'` : 'none'
      }. Use tryGet() or a property that exists.`,
      offset,
    );
  }
  return target[key];
}

/** `target[index]`: integer index into an array (bounds checked) or string key into an object. */
export function getIndex(target: Value, index: Value, targetText: string, offset?: number): Value {
  if (Array.isArray(target)) {
    if (typeof index !== 'number' || !Number.isInteger(index)) {
      throw new ExpressionError(
        `The language expression ${targetText} is an array and must be indexed by an integer, not ${typeName(index)}.`,
        offset,
      );
    }
    if (index < 0 || index >= target.length) {
      throw new ExpressionError(
        `The language expression index ${index} is out of range for ${targetText}, which has ${target.length} item(s).`,
        offset,
      );
    }
    return target[index];
  }
  if (isObject(target)) {
    if (typeof index !== 'string') {
      throw new ExpressionError(
        `The language expression ${targetText} is an object and must be indexed by a string, not ${typeName(index)}.`,
        offset,
      );
    }
    return getProperty(target, index, targetText, offset);
  }
  throw new ExpressionError(
    `The language expression ${targetText} is ${typeName(target)} and cannot be indexed; only arrays and objects can.`,
    offset,
  );
}

/** What a library function sees of one call; the source text is sliced only when a message needs it. */
class EvaluationCallContext implements CallContext {
  constructor(
    private readonly ev: Evaluation,
    private readonly call: Call,
  ) {}

  get name(): string {
    return this.call.name;
  }

  get text(): string {
    return sourceOf(this.ev, this.call);
  }

  get offset(): number {
    return this.call.start;
  }

  get scope(): ExpressionScope {
    return this.ev.scope;
  }

  evaluate(expr: Expr, bindings?: ReadonlyMap<string, Value>): Value {
    const ev = this.ev;
    return evaluateNode(
      bindings ? { ...ev, lambdaVariables: new Map([...ev.lambdaVariables, ...bindings]) } : ev,
      expr,
    );
  }

  lambdaVariable(name: string): Value | undefined {
    return this.ev.lambdaVariables.get(name.toLowerCase());
  }

  sourceOf(expr: Expr): string {
    return sourceOf(this.ev, expr);
  }
}

/**
 * A value a function built, checked against the size limit and charged as work: text by its
 * length, arrays and objects by their own items (their parts were charged when they were built).
 */
function built(result: Value): Value {
  if (typeof result === 'string') {
    if (result.length > 256) {
      ensureSize(result.length, 'a text');
      charge(result.length >> 4);
    }
  } else if (Array.isArray(result)) {
    charge(result.length);
    ensureSize(sizeOf(result));
  } else if (result !== null && typeof result === 'object' && !isUnknown(result)) {
    charge(1);
    ensureSize(sizeOf(result));
  }
  return result;
}

function evaluateCall(ev: Evaluation, call: Call): Value {
  if (call.namespace !== undefined) return built(evaluateUserFunction(ev, call, sourceOf(ev, call)));
  const def = lookupFunction(call.name);
  if (!def) {
    throw new ExpressionError(
      `The template function '${call.name}' is not valid. Check the spelling against the ARM template function reference.`,
      call.start,
    );
  }
  const count = call.args.length;
  if (count < def.min || count > def.max) {
    const expected =
      def.min === def.max
        ? `${def.min}`
        : def.max === Infinity
          ? `at least ${def.min}`
          : `${def.min} to ${def.max}`;
    throw new ExpressionError(
      `The template language function '${call.name}' must have ${expected} argument(s), but ${count} were given in ${sourceOf(ev, call)}.`,
      call.start,
    );
  }
  const context = new EvaluationCallContext(ev, call);
  if (def.lazy) {
    const result = def.lazy(call.args, context);
    return def.existing ? result : built(plain(result));
  }
  const args = new Array<Value>(count);
  for (let i = 0; i < count; i++) args[i] = evaluateNode(ev, call.args[i]);
  if (def.unknowns !== 'self') {
    for (const arg of args) {
      const unknown = def.unknowns === 'deep' ? findUnknown(arg) : isUnknown(arg) ? arg : undefined;
      if (unknown) return def.symbols ? symbolicCall(def, args, context, unknown) : withoutSymbol(unknown);
    }
  }
  const result = def.call!(args, context);
  if (result === undefined) return null;
  return def.existing ? result : built(plain(result));
}

/** A function's own result: an unknown it passes on from an argument is not that argument any more. */
function plain(result: Value): Value {
  return isUnknown(result) && result.symbol !== undefined ? withoutSymbol(result) : result;
}

/**
 * A function that builds names called with unknowns that have symbols (symbols.ts): the unknown
 * result carries the symbol of what it will be. Any unknown without one, or a call the function
 * rejects with the symbols in place, gives a plain unknown.
 */
function symbolicCall(def: FunctionDef, args: Value[], context: CallContext, first: UnknownValue): Value {
  const fallback = withoutSymbol(first);
  const texts: string[] = [];
  for (const arg of args) {
    if (isUnknown(arg) ? arg.symbol === undefined : findUnknown(arg) !== undefined) return fallback;
    if (def.symbols !== 'opaque') {
      const text = symbolText(arg);
      if (text === undefined && isUnknown(arg)) return fallback;
      texts.push(text ?? '');
    }
  }
  let symbol: string | undefined;
  if (def.symbols === 'opaque') symbol = callSymbol(context.name, args);
  else if (def.symbols === 'case') symbol = caseSymbol(texts[0]!, context.name.toLowerCase() === 'toupper');
  else {
    let result: Value;
    try {
      result = def.call!(
        args.map((arg) => (isUnknown(arg) ? arg.symbol! : arg)),
        context,
      );
    } catch (error) {
      if (error instanceof ExpressionError) return fallback;
      throw error;
    }
    if (typeof result === 'string' && hasAtom(result)) symbol = result;
  }
  return symbol === undefined ? fallback : new UnknownValue(first.reason, symbol);
}

function evaluateUserFunction(ev: Evaluation, call: Call, text: string): Value {
  const key = `${call.namespace}.${call.name}`.toLowerCase();
  const fn = ev.scope.userFunctions?.get(key);
  if (!fn) {
    throw new ExpressionError(
      `The template function '${call.namespace}.${call.name}' is not defined; declare it in the template's functions section.`,
      call.start,
    );
  }
  if (fn.parameters.length !== call.args.length) {
    throw new ExpressionError(
      `The user function '${call.namespace}.${call.name}' takes ${fn.parameters.length} argument(s), but ${call.args.length} were given in ${text}.`,
      call.start,
    );
  }
  charge(COSTS.userFunction);
  if (ev.depth >= MAX_CALL_DEPTH) {
    throw new ExpressionError(
      `The user function '${call.namespace}.${call.name}' recurses too deeply.`,
      call.start,
    );
  }
  const bound = new Map<string, Value>();
  fn.parameters.forEach((p, i) => bound.set(p.name.toLowerCase(), evaluateNode(ev, call.args[i])));
  const inner = new UserFunctionScope(ev.scope, call, bound);
  return evaluateJson(fn.output, { ...ev, scope: inner, depth: ev.depth + 1, lambdaVariables: NO_LAMBDAS });
}

const NO_LAMBDAS: ReadonlyMap<string, Value> = new Map();

/** What a user-defined function's body sees: its own parameters, no variables, the caller's deployment. */
class UserFunctionScope implements ExpressionScope {
  readonly deployment: ExpressionScope['deployment'];
  readonly userFunctions: ExpressionScope['userFunctions'];

  constructor(
    private readonly caller: ExpressionScope,
    private readonly call: Call,
    private readonly bound: ReadonlyMap<string, Value>,
  ) {
    this.deployment = caller.deployment;
    this.userFunctions = caller.userFunctions;
  }

  parameter(name: string): Value {
    const value = this.bound.get(name.toLowerCase());
    if (value === undefined) {
      throw new ExpressionError(
        `The user function '${this.call.namespace}.${this.call.name}' has no parameter '${name}'.`,
        this.call.start,
      );
    }
    return value;
  }

  variable(name: string): Value {
    throw new ExpressionError(
      `User function '${this.call.namespace}.${this.call.name}' cannot use variables('${name}'); pass it as a parameter.`,
      this.call.start,
    );
  }

  copyIndex(loopName: string | undefined): number | undefined {
    return this.caller.copyIndex(loopName);
  }

  reference(target: Value, apiVersion: Value | undefined, full: boolean): Value {
    return this.caller.reference(target, apiVersion, full);
  }
}

/** Evaluates a JSON value in which any string may be an expression (user function output). */
function evaluateJson(value: unknown, ev: Evaluation): Value {
  if (typeof value === 'string') return evaluateString(value, ev);
  if (Array.isArray(value)) {
    charge(value.length);
    return value.map((item) => evaluateJson(item, ev));
  }
  if (value !== null && typeof value === 'object') {
    charge(1);
    const out: { [key: string]: Value } = {};
    for (const [key, item] of Object.entries(value)) setKey(out, key, evaluateJson(item, ev));
    return out;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  return null;
}

const PARSE_CACHE_LIMIT = 10000;
const parseCache = new Map<string, ParseResult>();

/** Parsing is pure, so copy loops and repeated variables reuse the tree (bounded cache). */
function parseCached(text: string): ParseResult {
  let result = parseCache.get(text);
  if (result === undefined) {
    result = parseExpression(text);
    if (parseCache.size >= PARSE_CACHE_LIMIT) parseCache.clear();
    parseCache.set(text, result);
  }
  return result;
}

/** A template string: literal (with `[[` unescaped) or expression. */
export function evaluateString(text: string, ev: Evaluation): Value {
  if (text.startsWith('[[')) return text.slice(1);
  if (!(text.length >= 2 && text.startsWith('[') && text.endsWith(']'))) return text;
  if (text.length > LIMITS.expressionLength) {
    throw new TemplateLimitError(
      `an expression of ${text.length.toLocaleString('en-US')} characters is over ARM's limit of ${LIMITS.expressionLength.toLocaleString('en-US')} characters in a template expression (https://learn.microsoft.com/azure/azure-resource-manager/templates/best-practices#template-limits): split it into variables.`,
    );
  }
  const parsed = parseCached(text);
  if (!parsed.ok) {
    throw new ExpressionError(
      `The template language expression '${text}' is not valid: ${parsed.error} (at character ${parsed.offset + 1}).`,
      parsed.offset,
    );
  }
  return evaluateNode(ev.source === text ? ev : { ...ev, source: text }, parsed.ast);
}
