import { describe, expect, test } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Expr } from '../../src/sources/arm/expression/ast.js';
import {
  evaluateTemplateString,
  ExpressionError,
  isExpression,
  parseExpression,
} from '../../src/sources/arm/expression/index.js';
import { lookupFunction } from '../../src/sources/arm/expression/library.js';
import { testScope } from './scope.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const corpus = path.resolve(repoRoot, '../shared/corpus/quickstart-templates');
const d = existsSync(corpus) ? describe : describe.skip;
if (!existsSync(corpus)) console.log(`skipping the corpus tests: ${corpus} is absent`);

/** The 83 distinct function names used in the quickstart corpus (lower case). */
const CORPUS_FUNCTIONS = [
  'add',
  'and',
  'array',
  'base64',
  'bool',
  'coalesce',
  'concat',
  'contains',
  'copyindex',
  'createarray',
  'createobject',
  'datetimeadd',
  'datetimetoepoch',
  'deployment',
  'div',
  'empty',
  'endswith',
  'environment',
  'equals',
  'extensionresourceid',
  'false',
  'first',
  'float',
  'format',
  'greater',
  'greaterorequals',
  'guid',
  'if',
  'indexof',
  'int',
  'join',
  'json',
  'last',
  'lastindexof',
  'length',
  'less',
  'lessorequals',
  'listaccountsas',
  'listauthkeys',
  'listcallbackurl',
  'listcredentials',
  'listkeys',
  'listkeyvalue',
  'listsas',
  'listsecrets',
  'managementgroup',
  'max',
  'min',
  'mod',
  'mul',
  'newguid',
  'not',
  'null',
  'or',
  'padleft',
  'parameters',
  'providers',
  'range',
  'reference',
  'replace',
  'resourcegroup',
  'resourceid',
  'skip',
  'split',
  'startswith',
  'string',
  'sub',
  'subscription',
  'subscriptionresourceid',
  'substring',
  'take',
  'tenant',
  'tenantresourceid',
  'tolower',
  'toupper',
  'trim',
  'true',
  'union',
  'uniquestring',
  'uri',
  'uricomponent',
  'utcnow',
  'variables',
];

function collect(): string[] {
  const found: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      if (isExpression(value)) found.push(value);
    } else if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        walk(key);
        walk(item);
      }
    }
  };
  const visitDir = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const file = path.join(dir, entry);
      if (statSync(file).isDirectory()) visitDir(file);
      else if (entry.endsWith('.json')) {
        try {
          walk(JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, '')));
        } catch {
          // not JSON (JSONC or broken): the template loader's concern, not the expression language's
        }
      }
    }
  };
  visitDir(corpus);
  return found;
}

function calledNames(expr: Expr, into: Set<string>): void {
  if (expr.kind === 'call') {
    if (!expr.namespace) into.add(expr.name.toLowerCase());
    expr.args.forEach((arg) => calledNames(arg, into));
  } else if (expr.kind === 'property') calledNames(expr.target, into);
  else if (expr.kind === 'index') {
    calledNames(expr.target, into);
    calledNames(expr.index, into);
  }
}

d('quickstart corpus', () => {
  const expressions = existsSync(corpus) ? collect() : [];

  test('the library has every function the corpus uses', () => {
    expect(CORPUS_FUNCTIONS).toHaveLength(83);
    expect(CORPUS_FUNCTIONS.filter((name) => lookupFunction(name) === undefined)).toEqual([]);
  });

  test('nearly every expression parses and every called function exists', () => {
    const names = new Set<string>();
    const failures: string[] = [];
    for (const text of expressions) {
      const result = parseExpression(text);
      if (result.ok) calledNames(result.ast, names);
      else failures.push(`${result.error}: ${text.slice(0, 120)}`);
    }
    expect(expressions.length).toBeGreaterThan(10000);
    // The few that fail are strings ARM rejects too (a SQL name such as "[dbo].[emp]", a missing comma).
    if (failures.length) console.log(`expressions that do not parse:\n${failures.join('\n')}`);
    expect(failures.length).toBeLessThan(10);
    expect([...names].filter((name) => lookupFunction(name) === undefined)).toEqual([]);
  });

  test('evaluating every expression throws nothing but ExpressionError', () => {
    const scope = testScope({ copyIndex: 0 });
    let evaluated = 0;
    for (const text of expressions) {
      try {
        evaluateTemplateString(text, scope);
        evaluated++;
      } catch (error) {
        if (!(error instanceof ExpressionError))
          throw new Error(`${text}: ${String(error)}`, { cause: error });
      }
    }
    // Most either evaluate or become unknown; the rest are named copy loops the test scope lacks.
    expect(evaluated / expressions.length).toBeGreaterThan(0.99);
  });
});
