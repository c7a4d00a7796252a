/**
 * Finds `resource "type" "name" { … }` and `data "type" "name" { … }` blocks in a `.tf` file and
 * the line of each attribute, nested block and object key inside them. A small scanner, not an HCL
 * parser: it knows strings (with `${…}` and `%{…}` templates), heredocs and the three comment
 * forms, so braces inside them are not counted, and it reads nothing else. Paths use the plan's
 * shape: nested blocks are lists (`default_node_pool.0.zones`, `geo_location.1.location`), object
 * keys are not (`body.properties.storageAccount`). What it cannot place (keys built by `for`
 * expressions, `dynamic` blocks) is simply absent: a lookup falls back to the nearest enclosing path.
 */

export interface HclBlock {
  mode: 'managed' | 'data';
  type: string;
  name: string;
  /** 1-based line of the `resource` keyword. */
  line: number;
  /** Attribute / nested block / object key path → 1-based line where it is written. */
  paths: Map<string, number>;
}

type TokenKind = 'ident' | 'string' | 'newline' | 'punct' | 'other';

interface Token {
  kind: TokenKind;
  text: string;
  line: number;
}

export function scanHclBlocks(text: string): HclBlock[] {
  const tokens = tokenize(text);
  const blocks: HclBlock[] = [];
  let position = 0;
  const peek = () => tokens[position];
  const next = () => tokens[position++];

  const skipNewlines = () => {
    while (peek()?.kind === 'newline') position++;
  };

  /** Skips to the token that closes the bracket just consumed (`{`, `[` or `(`). */
  const skipBalanced = () => {
    let depth = 1;
    while (position < tokens.length && depth > 0) {
      const token = next()!;
      if (token.kind !== 'punct') continue;
      if (token.text === '{' || token.text === '[' || token.text === '(') depth++;
      else if (token.text === '}' || token.text === ']' || token.text === ')') depth--;
    }
  };

  /** An expression, recording object keys under `prefix`; stops before a token in `stops`. */
  const expression = (
    prefix: string,
    stops: ReadonlySet<string>,
    record: Map<string, number> | undefined,
  ) => {
    while (position < tokens.length) {
      const token = peek()!;
      const key = token.kind === 'newline' ? '\n' : token.kind === 'punct' ? token.text : '';
      if (stops.has(key)) return;
      position++;
      if (token.kind !== 'punct') continue;
      if (token.text === '{') object(prefix, record);
      else if (token.text === '[' || token.text === '(')
        tuple(prefix, record, token.text === '[' ? ']' : ')');
      else if (token.text === '}' || token.text === ']' || token.text === ')') {
        position--; // not ours: the caller closes it
        return;
      }
    }
  };

  const objectStops = new Set(['\n', ',', '}']);
  const object = (prefix: string, record: Map<string, number> | undefined) => {
    for (;;) {
      while (peek() && (peek()!.kind === 'newline' || peek()!.text === ',')) position++;
      const token = next();
      if (!token) return;
      if (token.kind === 'punct' && token.text === '}') return;
      const separator = peek();
      if (
        (token.kind === 'ident' || token.kind === 'string') &&
        separator?.kind === 'punct' &&
        (separator.text === '=' || separator.text === ':')
      ) {
        position++;
        const path = `${prefix}${unquote(token)}`;
        if (record && !record.has(path)) record.set(path, token.line);
        expression(`${path}.`, objectStops, record);
        continue;
      }
      // A `for` expression or something else this scanner does not read: skip to the closing brace.
      position--;
      skipBalanced();
      return;
    }
  };

  const tupleStops = new Set([',', ']', ')']);
  const tuple = (prefix: string, record: Map<string, number> | undefined, close: string) => {
    for (;;) {
      while (peek() && (peek()!.kind === 'newline' || peek()!.text === ',')) position++;
      const token = peek();
      if (!token) return;
      if (token.kind === 'punct' && token.text === close) {
        position++;
        return;
      }
      const before = position;
      expression(prefix, tupleStops, record);
      if (position === before) position++; // a stray closer: step over it
    }
  };

  const attributeStops = new Set(['\n', '}']);
  /** A block body after its `{`, up to and including its `}`. */
  const body = (prefix: string, record: Map<string, number> | undefined) => {
    const counts = new Map<string, number>();
    for (;;) {
      skipNewlines();
      const token = next();
      if (!token) return;
      if (token.kind === 'punct' && token.text === '}') return;
      if (token.kind !== 'ident') continue;
      if (peek()?.kind === 'punct' && peek()!.text === '=') {
        position++;
        const path = `${prefix}${token.text}`;
        if (record && !record.has(path)) record.set(path, token.line);
        expression(`${path}.`, attributeStops, record);
        continue;
      }
      const labels: Token[] = [];
      while (peek() && (peek()!.kind === 'string' || peek()!.kind === 'ident')) labels.push(next()!);
      if (!(peek()?.kind === 'punct' && peek()!.text === '{')) {
        while (peek() && peek()!.kind !== 'newline') position++;
        continue;
      }
      position++;
      if (
        !record &&
        prefix === '' &&
        (token.text === 'resource' || token.text === 'data') &&
        labels.length === 2
      ) {
        const block: HclBlock = {
          mode: token.text === 'resource' ? 'managed' : 'data',
          type: unquote(labels[0]!),
          name: unquote(labels[1]!),
          line: token.line,
          paths: new Map(),
        };
        blocks.push(block);
        body('', block.paths);
        continue;
      }
      if (!record) {
        skipBalanced();
        continue;
      }
      const index = counts.get(token.text) ?? 0;
      counts.set(token.text, index + 1);
      const path = `${prefix}${token.text}.${index}`;
      if (!record.has(path)) record.set(path, token.line);
      if (!record.has(`${prefix}${token.text}`)) record.set(`${prefix}${token.text}`, token.line);
      body(`${path}.`, record);
    }
  };

  body('', undefined);
  return blocks;
}

function unquote(token: Token): string {
  return token.kind === 'string' ? token.text.slice(1, -1) : token.text;
}

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_-]/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  const length = text.length;
  const push = (kind: TokenKind, value: string, at: number) => tokens.push({ kind, text: value, line: at });

  /** Skips a quoted template from its opening quote; returns the index after the closing quote. */
  const skipString = (start: number): number => {
    let j = start + 1;
    while (j < length) {
      const char = text[j];
      if (char === '\\') {
        j += 2;
        continue;
      }
      if (char === '"') return j + 1;
      if (char === '\n') line++;
      if ((char === '$' || char === '%') && text[j + 1] === '{' && text[j - 1] !== char) {
        j = skipTemplate(j + 2);
        continue;
      }
      j++;
    }
    return j;
  };

  /** Skips a `${ … }` template body (which may hold strings and braces); returns the index after `}`. */
  const skipTemplate = (start: number): number => {
    let depth = 1;
    let j = start;
    while (j < length && depth > 0) {
      const char = text[j];
      if (char === '"') {
        j = skipString(j);
        continue;
      }
      if (char === '\n') line++;
      if (char === '{') depth++;
      else if (char === '}') depth--;
      j++;
    }
    return j;
  };

  while (i < length) {
    const char = text[i]!;
    if (char === '\n') {
      push('newline', '\n', line);
      line++;
      i++;
      continue;
    }
    if (char === ' ' || char === '\t' || char === '\r') {
      i++;
      continue;
    }
    if (char === '#' || (char === '/' && text[i + 1] === '/')) {
      while (i < length && text[i] !== '\n') i++;
      continue;
    }
    if (char === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? length : end + 2;
      for (let j = i; j < stop; j++) if (text[j] === '\n') line++;
      i = stop;
      continue;
    }
    if (char === '"') {
      const startLine = line;
      const end = skipString(i);
      push('string', text.slice(i, end), startLine);
      i = end;
      continue;
    }
    if (char === '<' && text[i + 1] === '<') {
      const heredoc = /^<<-?([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n/.exec(text.slice(i, i + 200));
      if (heredoc) {
        const startLine = line;
        let j = i + heredoc[0].length;
        line++;
        for (;;) {
          const end = text.indexOf('\n', j);
          const current = text.slice(j, end < 0 ? length : end);
          if (current.trim() === heredoc[1] || end < 0) {
            j = end < 0 ? length : end;
            break;
          }
          line++;
          j = end + 1;
        }
        push('other', '<<heredoc', startLine);
        i = j;
        continue;
      }
    }
    if (IDENT_START.test(char)) {
      let j = i + 1;
      while (j < length && IDENT_PART.test(text[j]!)) j++;
      push('ident', text.slice(i, j), line);
      i = j;
      continue;
    }
    if ('{}[]()=:,'.includes(char)) {
      // `==`, `=>`, `!=`, `<=`, `>=` are operators, not an attribute's `=`.
      if (char === '=' && (text[i + 1] === '=' || text[i + 1] === '>')) {
        push('other', text.slice(i, i + 2), line);
        i += 2;
        continue;
      }
      push('punct', char, line);
      i++;
      continue;
    }
    if ((char === '!' || char === '<' || char === '>') && text[i + 1] === '=') {
      push('other', text.slice(i, i + 2), line);
      i += 2;
      continue;
    }
    push('other', char, line);
    i++;
  }
  return tokens;
}
