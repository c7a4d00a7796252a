import { createHash } from 'node:crypto';
import { type Node, parseTree } from 'jsonc-parser';
import type { Finding } from '../model.js';
import { byAttention } from './order.js';
import { type LiteralFix, literalFixFor } from '../rules/fixes.js';

/**
 * One-click fixes as GitHub suggested changes: for a failing or warning finding whose value is a
 * literal on a line the pull request added or changed, the same line with exactly that literal
 * replaced (`"Standard_LRS"` → `"Standard_ZRS"`, `enablePurgeProtection: false` → `true`), the
 * rest of the line kept as written. Pure: the file texts and the pull request's added lines are
 * passed in.
 */
export interface Suggestion {
  /** Stable across runs (file, rule, resource; not the line, which moves with edits above it). */
  key: string;
  path: string;
  /** 1-based line at the pull request's head. */
  line: number;
  /** The line as the pull request has it. */
  original: string;
  /** The line with the literal replaced. */
  replacement: string;
  fix: LiteralFix;
  /** The findings this change fixes, most important first. */
  findings: Finding[];
}

export interface SuggestionInputs {
  /** The text of a repository file in the checkout (undefined when it cannot be read). */
  readFile: (path: string) => string | undefined;
  /** Lines the pull request added or changed, by path: line number at head → text at head. */
  changedLines: ReadonlyMap<string, ReadonlyMap<number, string>>;
}

/** Findings a literal fix can apply to. */
function candidate(finding: Finding): boolean {
  return (finding.status === 'fail' || finding.status === 'warn') && finding.location !== undefined;
}

/** The suggestions for a report's findings, one per changed line at most, in attention order. */
export function buildSuggestions(findings: readonly Finding[], inputs: SuggestionInputs): Suggestion[] {
  const byLine = new Map<string, Suggestion>();
  const texts = new Map<string, string | undefined>();
  const text = (path: string) => {
    if (!texts.has(path)) texts.set(path, inputs.readFile(path));
    return texts.get(path);
  };
  for (const finding of [...findings].filter(candidate).sort(byAttention)) {
    const location = finding.location!;
    const changed = inputs.changedLines.get(location.file);
    if (!changed || changed.size === 0) continue;
    const fix = literalFixFor(
      finding.ruleId,
      finding.evidence.path,
      finding.evidence.value,
      finding.resource.role,
    );
    if (!fix) continue;
    const source = text(location.file);
    if (source === undefined) continue;
    const lines = source.split('\n').map((line) => line.replace(/\r$/, ''));
    const syntax = /\.bicep(param)?$/i.test(location.file) ? 'bicep' : 'json';
    const line = literalLine(source, lines, location.line, finding.evidence.path, fix.from, syntax);
    if (line === undefined) continue;
    const atHead = changed.get(line)?.replace(/\r$/, '');
    // The pull request must have added or changed this very line, as the checkout has it.
    if (atHead === undefined || atHead !== lines[line - 1]) continue;
    const replacement = replaceLiteral(atHead, fix.from, fix.to, syntax);
    if (replacement === undefined) continue;
    const at = `${location.file}:${line}`;
    const existing = byLine.get(at);
    if (existing) {
      if (existing.replacement === replacement) existing.findings.push(finding);
      continue;
    }
    byLine.set(at, {
      key: suggestionKey(location.file, finding),
      path: location.file,
      line,
      original: atHead,
      replacement,
      fix,
      findings: [finding],
    });
  }
  return [...byLine.values()];
}

function suggestionKey(path: string, finding: Finding): string {
  return createHash('sha256')
    .update([path, finding.ruleId, finding.resource.type.toLowerCase(), finding.resource.name].join('\n'))
    .digest('hex')
    .slice(0, 16);
}

/** The literal as written in the file: a quoted string (JSON `"x"`, Bicep `'x'`) or a bare boolean. */
function literalPattern(value: string | boolean, syntax: 'json' | 'bicep'): RegExp {
  if (typeof value === 'boolean') return new RegExp(`(?<![\\w'"$.-])${value}(?![\\w'"$-])`, 'g');
  const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return syntax === 'json' ? new RegExp(`"${escaped}"`, 'gi') : new RegExp(`'${escaped}'`, 'gi');
}

/** How often the literal stands on a line, outside other strings. */
function occurrences(line: string, value: string | boolean, syntax: 'json' | 'bicep'): number {
  const searched = typeof value === 'boolean' ? withoutStrings(line, syntax) : line;
  return [...searched.matchAll(literalPattern(value, syntax))].length;
}

/** The line with its string literals blanked out (so `"false"` inside a string is not a boolean). */
function withoutStrings(line: string, syntax: 'json' | 'bicep'): string {
  return syntax === 'json'
    ? line.replace(/"(?:[^"\\]|\\.)*"/g, (s) => ' '.repeat(s.length))
    : line.replace(/'(?:[^'\\]|\\.)*'/g, (s) => ' '.repeat(s.length));
}

/**
 * `line` with the literal `from` replaced by `to` in the same quoting; undefined unless the line
 * holds that literal exactly once (two on a line, e.g. `allowedValues`, would be a guess).
 */
export function replaceLiteral(
  line: string,
  from: string | boolean,
  to: string | boolean,
  syntax: 'json' | 'bicep',
): string | undefined {
  if (occurrences(line, from, syntax) !== 1) return undefined;
  if (typeof from === 'boolean') {
    const blanked = withoutStrings(line, syntax);
    const match = literalPattern(from, syntax).exec(blanked)!;
    return `${line.slice(0, match.index)}${String(to)}${line.slice(match.index + match[0].length)}`;
  }
  const quote = syntax === 'json' ? '"' : "'";
  return line.replace(literalPattern(from, syntax), `${quote}${String(to)}${quote}`);
}

/**
 * The line that holds the finding's literal. A finding points at where its value was set: often
 * that very line (`"name": "Standard_LRS"`, `param sku string = 'Standard_LRS'`), but for a
 * parameter it is the parameter's own line, with the value inside (`"defaultValue"` of a
 * template parameter, `"value"` in a parameters file), and for a property it may be the object
 * that holds it (`"sku": {`). Those one-level-down places are looked at too; nothing further.
 */
function literalLine(
  source: string,
  lines: string[],
  line: number,
  path: string,
  value: string | boolean,
  syntax: 'json' | 'bicep',
): number | undefined {
  const text = lines[line - 1];
  if (text === undefined) return undefined;
  if (occurrences(text, value, syntax) === 1) return line;
  const last = path
    .split('.')
    .pop()!
    .replace(/\[\d+\]$/, '');
  const keys = new Set(['defaultValue', 'value', last].map((key) => key.toLowerCase()));
  if (syntax === 'json') return jsonValueLine(source, line, keys, value);
  return bicepBlockLine(lines, line, keys, value) ?? bicepPathLine(lines, line, path, value);
}

/** JSON: the line of the `defaultValue` / `value` / last-segment member of the object that starts on `line`. */
function jsonValueLine(
  source: string,
  line: number,
  keys: Set<string>,
  value: string | boolean,
): number | undefined {
  const root = parseTree(source, [], { allowTrailingComma: true, disallowComments: false });
  if (!root) return undefined;
  const starts = lineStarts(source);
  const lineOf = (offset: number) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };
  // The member whose key is on `line` and whose value is an object.
  let found: Node | undefined;
  const visit = (node: Node) => {
    if (found) return;
    if (node.type === 'property') {
      const [key, member] = node.children ?? [];
      if (key && member?.type === 'object' && lineOf(key.offset) === line) {
        found = member;
        return;
      }
    }
    for (const child of node.children ?? []) {
      if (child.offset <= starts[line]! && child.offset + child.length >= starts[line - 1]!) visit(child);
    }
  };
  visit(root);
  if (!found) return undefined;
  const matches = (found.children ?? []).filter((property) => {
    const [key, member] = property.children ?? [];
    return (
      key?.type === 'string' &&
      keys.has(String(key.value).toLowerCase()) &&
      member !== undefined &&
      (typeof value === 'boolean'
        ? member.type === 'boolean' && member.value === value
        : member.type === 'string' && String(member.value).toLowerCase() === value.toLowerCase())
    );
  });
  return matches.length === 1 ? lineOf(matches[0]!.children![1]!.offset) : undefined;
}

/** Bicep: inside the `{ … }` block opened on `line`, the one `key: literal` line. */
function bicepBlockLine(
  lines: string[],
  line: number,
  keys: Set<string>,
  value: string | boolean,
): number | undefined {
  const hits = bicepMembers(lines, line, (key, index) => {
    return keys.has(key) && occurrences(lines[index - 1]!, value, 'bicep') === 1;
  });
  return hits?.length === 1 ? hits[0] : undefined;
}

/**
 * Bicep: a finding on a `resource … = {` line (where compiled Bicep locates a resource) follows
 * the evidence path down the blocks (`sku` → `name`, `properties` → `enablePurgeProtection`) to
 * the line that holds the literal, inline (`sku: { name: 'Standard_LRS' }`) or in a nested block.
 */
function bicepPathLine(
  lines: string[],
  line: number,
  path: string,
  value: string | boolean,
): number | undefined {
  let current = line;
  for (const segment of path.split('.')) {
    if (/\[/.test(segment)) return undefined;
    const hits = bicepMembers(lines, current, (key) => key === segment.toLowerCase());
    if (hits?.length !== 1) return undefined;
    current = hits[0]!;
    if (occurrences(lines[current - 1]!, value, 'bicep') === 1) return current;
  }
  return undefined;
}

/**
 * The 1-based lines of the direct members (`key:`) of the `{ … }` block opened on `line` that
 * `accept` (given the lower-case key); undefined when `line` opens no block.
 */
function bicepMembers(
  lines: string[],
  line: number,
  accept: (key: string, line: number) => boolean,
): number[] | undefined {
  const opened = withoutStrings(lines[line - 1]!, 'bicep');
  if (!/\{\s*(\/\/.*)?$/.test(opened)) return undefined;
  let depth = 0;
  const hits: number[] = [];
  for (let index = line - 1; index < lines.length && index < line + 200; index++) {
    const bare = withoutStrings(lines[index]!, 'bicep').replace(/\/\/.*$/, '');
    if (index > line - 1 && depth === 1) {
      const member = /^\s*([A-Za-z_$][\w$]*)\s*:/.exec(lines[index]!);
      if (member && accept(member[1]!.toLowerCase(), index + 1)) hits.push(index + 1);
    }
    for (const char of bare) {
      if (char === '{') depth++;
      else if (char === '}') depth--;
    }
    if (depth <= 0) break;
  }
  return hits;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1))
    starts.push(index + 1);
  starts.push(text.length + 1);
  return starts;
}

/**
 * The lines a unified diff (a pulls/files `patch`, or `git diff` output for one file) adds, by
 * their line number in the new file, with their text.
 */
export function addedLines(patch: string): Map<number, string> {
  const added = new Map<number, string>();
  let next = 0;
  let inHunk = false;
  for (const raw of patch.split('\n')) {
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(raw);
    if (hunk) {
      next = Number(hunk[1]);
      inHunk = true;
      continue;
    }
    if (!inHunk) continue;
    if (raw.startsWith('+')) added.set(next++, raw.slice(1));
    else if (raw.startsWith(' ') || raw === '') next++;
    else if (raw.startsWith('-') || raw.startsWith('\\')) continue;
    else if (raw.startsWith('diff ')) inHunk = false;
  }
  return added;
}
