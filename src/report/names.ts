import type { Finding } from '../model.js';
import type { Expr } from '../sources/arm/expression/ast.js';
import { isExpression, parseExpression } from '../sources/arm/expression/parser.js';

/**
 * How a resource or workspace name reads in a report. A template whose name expression cannot be
 * evaluated (a parameter without a value and no parameters file) leaves the expression text as
 * the name (docs/rules.md: "else … the name expression text"): `[concat(parameters('ws'), '/',
 * parameters('compute'))]`. Shown as such it reads like a bug; shown readably it says what it is:
 * `{ws}/{compute}`, "name not evaluated: it uses parameters ws, compute".
 */
export interface DisplayName {
  /** The name, or the readable form of an expression that did not evaluate. */
  text: string;
  /** False when `text` stands for an expression that did not evaluate. */
  evaluated: boolean;
  /** Why it did not evaluate, in the reader's words ("it uses parameter ws"), when it did not. */
  note?: string;
}

/**
 * The readable form of a name: as it is when evaluated, `{parameter}` placeholders when not. The
 * name may be one expression, or `/`-separated segments some of which are expressions
 * (`[parameters('ws')]/[parameters('compute')]`, a child whose segments evaluated apart).
 */
export function displayName(name: string): DisplayName {
  const segments = nameSegments(name);
  if (!segments.some(isExpression)) return { text: name, evaluated: true };
  const inputs = new Set<string>();
  const parts: string[] = [];
  for (const segment of segments) {
    if (!isExpression(segment)) {
      parts.push(segment);
      continue;
    }
    const parsed = parseExpression(segment);
    if (!parsed.ok) return { text: name, evaluated: false, note: 'name not evaluated' };
    parts.push(readable(parsed.ast, inputs));
  }
  const text = parts.join('/');
  const names = [...inputs];
  const note =
    names.length === 0
      ? 'name not evaluated'
      : `name not evaluated: it uses ${names.length === 1 ? 'parameter' : 'parameters'} ${names.join(', ')}`;
  return { text, evaluated: false, note };
}

/**
 * The workspace a finding is grouped under, readably. The graph names a child's workspace by the
 * first `/` segment of the child's name (`ws/compute` → `ws`); for a name that is still an
 * expression that cuts the expression text in half (`[concat(parameters('ws'), '`), so the
 * workspace is then read from the child's whole name instead.
 */
export function workspaceName(finding: Finding): DisplayName | undefined {
  const workspace = finding.workspace;
  if (workspace === undefined) return undefined;
  const resource = finding.resource.name;
  if (workspace.startsWith('[') && !isExpression(workspace) && resource.startsWith(workspace)) {
    const whole = displayName(resource);
    if (!whole.evaluated) return { ...whole, text: whole.text.split('/')[0] || whole.text };
  }
  return displayName(workspace);
}

/** `a/[f('x/y')]/b` → `a`, `[f('x/y')]`, `b`: splits at the `/` outside brackets and quotes. */
function nameSegments(name: string): string[] {
  const segments: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let index = 0; index < name.length; index++) {
    const char = name[index];
    if (quoted) {
      if (char === "'") quoted = false;
    } else if (char === "'" && depth > 0) quoted = true;
    else if (char === '[') depth++;
    else if (char === ']') depth = Math.max(0, depth - 1);
    else if (char === '/' && depth === 0) {
      segments.push(name.slice(start, index));
      start = index + 1;
    }
  }
  segments.push(name.slice(start));
  return segments;
}

/** Readable text of an expression: literals as they are, inputs as `{name}`, other calls as `{f(…)}`. */
function readable(node: Expr, inputs: Set<string>): string {
  switch (node.kind) {
    case 'string':
      return node.value;
    case 'number':
      return String(node.value);
    case 'property':
      return `{${unbrace(readable(node.target, inputs))}.${node.name}}`;
    case 'index':
      return `{${unbrace(readable(node.target, inputs))}[${unbrace(readable(node.index, inputs))}]}`;
    case 'call': {
      const name = node.name.toLowerCase();
      const first = node.args[0];
      if ((name === 'parameters' || name === 'variables') && first?.kind === 'string') {
        if (name === 'parameters') inputs.add(first.value);
        return `{${first.value}}`;
      }
      if (name === 'concat' && !node.namespace) return node.args.map((arg) => readable(arg, inputs)).join('');
      if (name === 'format' && !node.namespace && first?.kind === 'string') {
        const args = node.args.slice(1).map((arg) => readable(arg, inputs));
        return first.value.replace(
          /\{(\d+)(?::[^}]*)?\}/g,
          (whole, index: string) => args[Number(index)] ?? whole,
        );
      }
      for (const arg of node.args) readable(arg, inputs);
      return `{${node.namespace ? `${node.namespace}.` : ''}${node.name}(…)}`;
    }
  }
}

function unbrace(text: string): string {
  return text.startsWith('{') && text.endsWith('}') ? text.slice(1, -1) : text;
}
