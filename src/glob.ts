/**
 * Globs on rule ids, resource and workspace names (config file suppressions), matched in time
 * linear in the name.
 *
 * Why not picomatch: it compiles `*` to the lazy regex `.*?`, and a JavaScript regex with several
 * of them backtracks: `*a*a*a*a*a*a*a*a*a*a*a*a*b` against forty `a`s took 366 s (measured with
 * picomatch 4.0, `makeRe(..., { bash: true })`). Here a pattern is split at its `*`s into
 * fixed-length pieces; the first piece must match at the start, the last at the end, and each piece
 * between is placed at its leftmost match after the previous one. Leftmost placement is optimal
 * (it leaves the most room for the pieces after it), so there is no backtracking: a match costs at
 * most (name length × pattern length), and the pattern length is capped by the config file.
 *
 * Syntax: `*` any run of characters (also across `/`), `?` one character but `/`, `[abc]`, `[a-z]`,
 * `[!a-z]` (or `[^a-z]`) one character of (or not of) the set, `{a,b}` either alternative.
 * Matching ignores case. Anything else, `\` included, is literal.
 */

/** Most alternatives one pattern's `{a,b}` groups may expand to. */
export const MAX_GLOB_ALTERNATIVES = 64;

export class GlobError extends Error {}

type Token =
  | { kind: 'char'; ch: string }
  | { kind: 'any' }
  | { kind: 'class'; negate: boolean; singles: string; ranges: [string, string][] };

/** A piece between two `*`s: literal text when it has no `?` or class, else tokens. */
interface Piece {
  tokens: Token[];
  literal?: string;
}

interface Alternative {
  pieces: Piece[];
  /** Whether the pattern has a `*` at all (pieces.length > 1 when it does). */
  star: boolean;
  minLength: number;
}

/** A compiled glob: call it with a name. */
export type GlobMatcher = (value: string) => boolean;

/**
 * Compiles a glob once (throws `GlobError` when its `{…}` groups expand to too many alternatives).
 * An empty name matches nothing, as with picomatch (a finding tied to no workspace is not matched
 * by `workspace: "*"`).
 */
export function compileGlob(pattern: string): GlobMatcher {
  const alternatives = expandBraces(pattern).map(compileAlternative);
  if (alternatives.length === 1) {
    const only = alternatives[0]!;
    return (value) => value !== '' && matchAlternative(only, value.toLowerCase());
  }
  return (value) => {
    if (value === '') return false;
    const lower = value.toLowerCase();
    return alternatives.some((alternative) => matchAlternative(alternative, lower));
  };
}

const cache = new Map<string, GlobMatcher>();
const CACHE_LIMIT = 50_000;

/** Matches with a compiled glob, compiling each distinct pattern once. */
export function globMatch(pattern: string, value: string): boolean {
  let matcher = cache.get(pattern);
  if (!matcher) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    matcher = compileGlob(pattern);
    cache.set(pattern, matcher);
  }
  return matcher(value);
}

// ---- braces ----------------------------------------------------------------------------------

/** `{a,b}` groups expanded (nested ones too); a `{` without a matching `}` or a `,` is literal. */
export function expandBraces(pattern: string): string[] {
  const results: string[] = [];
  const pending = [pattern];
  while (pending.length > 0) {
    const current = pending.pop()!;
    const group = firstGroup(current);
    if (!group) {
      results.push(current);
      if (results.length > MAX_GLOB_ALTERNATIVES) throw tooManyAlternatives();
      continue;
    }
    const head = current.slice(0, group.open);
    const tail = current.slice(group.close + 1);
    for (let i = group.options.length - 1; i >= 0; i--) pending.push(head + group.options[i] + tail);
    if (pending.length + results.length > MAX_GLOB_ALTERNATIVES * 4) throw tooManyAlternatives();
  }
  return results;
}

function tooManyAlternatives(): GlobError {
  return new GlobError(
    `its {…} groups expand to more than ${MAX_GLOB_ALTERNATIVES} alternatives: split it into several suppressions`,
  );
}

/** The first `{…}` group holding a top-level comma: its bounds and options. */
function firstGroup(pattern: string): { open: number; close: number; options: string[] } | undefined {
  for (let open = pattern.indexOf('{'); open !== -1; open = pattern.indexOf('{', open + 1)) {
    let depth = 0;
    const commas: number[] = [];
    for (let i = open; i < pattern.length; i++) {
      const ch = pattern[i];
      if (ch === '{') depth++;
      else if (ch === '}') {
        depth--;
        if (depth === 0) {
          if (commas.length === 0) break; // `{a}`: literal
          const bounds = [open, ...commas, i];
          const options = bounds.slice(1).map((end, k) => pattern.slice(bounds[k]! + 1, end));
          return { open, close: i, options };
        }
      } else if (ch === ',' && depth === 1) commas.push(i);
    }
  }
  return undefined;
}

// ---- pieces ----------------------------------------------------------------------------------

function compileAlternative(pattern: string): Alternative {
  const pieces: Piece[] = [];
  let tokens: Token[] = [];
  let star = false;
  const close = () => {
    const literal = tokens.every((t) => t.kind === 'char')
      ? tokens.map((t) => (t as { ch: string }).ch).join('')
      : undefined;
    pieces.push(literal !== undefined ? { tokens, literal } : { tokens });
    tokens = [];
  };
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') {
      star = true;
      close();
      while (pattern[i + 1] === '*') i++;
    } else if (ch === '?') tokens.push({ kind: 'any' });
    else if (ch === '[') {
      const parsed = parseClass(pattern, i);
      if (parsed) {
        tokens.push(parsed.token);
        i = parsed.end;
      } else tokens.push({ kind: 'char', ch: '[' });
    } else tokens.push({ kind: 'char', ch: ch.toLowerCase() });
  }
  close();
  return { pieces, star, minLength: pieces.reduce((sum, piece) => sum + piece.tokens.length, 0) };
}

/** `[…]` starting at `start`: the token and the index of its `]`, or undefined when unterminated. */
function parseClass(pattern: string, start: number): { token: Token; end: number } | undefined {
  let i = start + 1;
  let negate = false;
  if (pattern[i] === '!' || pattern[i] === '^') {
    negate = true;
    i++;
  }
  let singles = '';
  const ranges: [string, string][] = [];
  let first = true;
  for (; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === ']' && !first) return { token: { kind: 'class', negate, singles, ranges }, end: i };
    first = false;
    if (pattern[i + 1] === '-' && i + 2 < pattern.length && pattern[i + 2] !== ']') {
      ranges.push([ch, pattern[i + 2]!]);
      i += 2;
    } else singles += ch;
  }
  return undefined;
}

function classHas(token: Extract<Token, { kind: 'class' }>, ch: string): boolean {
  // `ch` is lower-case; the set was written in any case.
  const upper = ch.toUpperCase();
  const inSet = (c: string) =>
    token.singles.includes(c) || token.ranges.some(([from, to]) => c >= from && c <= to);
  const found = inSet(ch) || (upper !== ch && inSet(upper)) || inSet(ch.toLowerCase());
  return found !== token.negate;
}

function tokenMatches(token: Token, ch: string): boolean {
  if (token.kind === 'char') return token.ch === ch;
  if (token.kind === 'any') return ch !== '/';
  return classHas(token, ch);
}

/** Whether the piece matches `value` at `at` (the caller checked that it fits). */
function pieceAt(piece: Piece, value: string, at: number): boolean {
  if (piece.literal !== undefined) return value.startsWith(piece.literal, at);
  const { tokens } = piece;
  for (let k = 0; k < tokens.length; k++) if (!tokenMatches(tokens[k]!, value[at + k]!)) return false;
  return true;
}

/** Leftmost position in [from, to − length] where the piece matches, or −1. */
function findPiece(piece: Piece, value: string, from: number, to: number): number {
  const length = piece.tokens.length;
  if (piece.literal !== undefined) {
    const at = value.indexOf(piece.literal, from);
    return at !== -1 && at + length <= to ? at : -1;
  }
  for (let at = from; at + length <= to; at++) if (pieceAt(piece, value, at)) return at;
  return -1;
}

function matchAlternative(alternative: Alternative, value: string): boolean {
  const { pieces } = alternative;
  if (!alternative.star) {
    const only = pieces[0]!;
    return value.length === only.tokens.length && pieceAt(only, value, 0);
  }
  if (value.length < alternative.minLength) return false;
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  if (!pieceAt(first, value, 0)) return false;
  const end = value.length - last.tokens.length;
  if (!pieceAt(last, value, end)) return false;
  let position = first.tokens.length;
  for (let k = 1; k < pieces.length - 1; k++) {
    const piece = pieces[k]!;
    const at = findPiece(piece, value, position, end);
    if (at === -1) return false;
    position = at + piece.tokens.length;
  }
  return position <= end;
}
