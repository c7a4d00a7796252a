/**
 * Tokenizer and recursive-descent parser for ARM template expressions. Pure and total: every
 * input yields either a tree or an error with the offset where parsing stopped; nothing throws.
 */
import type { Expr, ParseResult } from './ast.js';

/** Nesting deeper than this is refused rather than risking the JS stack (ARM templates never come close). */
const MAX_DEPTH = 256;

/**
 * Whether ARM evaluates this JSON string: it starts with `[` and ends with `]` and does not start
 * with `[[` (the escape for a literal string that starts with `[`).
 */
export function isExpression(text: string): boolean {
  return text.length >= 2 && text.startsWith('[') && text.endsWith(']') && !text.startsWith('[[');
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** `[A-Za-z0-9_$]` */
function isIdentifierPart(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    isDigit(code) ||
    code === 0x5f ||
    code === 0x24
  );
}

/** Exactly the characters `/\s/` matches. */
function isWhitespace(code: number): boolean {
  return (
    code === 0x20 ||
    (code >= 0x09 && code <= 0x0d) ||
    code === 0xa0 ||
    code === 0xfeff ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

class SyntaxFailure {
  constructor(
    readonly message: string,
    readonly offset: number,
  ) {}
}

class Parser {
  private pos: number;
  private depth = 0;

  constructor(
    private readonly text: string,
    start: number,
    private readonly end: number,
  ) {
    this.pos = start;
  }

  parseAll(): Expr {
    this.skipWhitespace();
    if (this.pos >= this.end)
      this.fail('the expression is empty; write a function call such as concat(...) or a string literal');
    const expr = this.parseExpr();
    this.skipWhitespace();
    if (this.pos < this.end) {
      this.fail(`unexpected '${this.text[this.pos]}' after the end of the expression`);
    }
    return expr;
  }

  private fail(message: string, offset = this.pos): never {
    throw new SyntaxFailure(message, offset);
  }

  private skipWhitespace(): void {
    while (this.pos < this.end && isWhitespace(this.text.charCodeAt(this.pos))) this.pos++;
  }

  private parseExpr(): Expr {
    if (++this.depth > MAX_DEPTH) this.fail(`expression nested deeper than ${MAX_DEPTH} levels`);
    let expr = this.parsePrimary();
    for (;;) {
      this.skipWhitespace();
      const c = this.text[this.pos];
      if (this.pos >= this.end) break;
      if (c === '.') {
        this.pos++;
        this.skipWhitespace();
        const nameStart = this.pos;
        const name = this.readIdentifier();
        if (!name) this.fail("expected a property name after '.'", nameStart);
        expr = { kind: 'property', target: expr, name, start: expr.start, end: this.pos };
      } else if (c === '[') {
        this.pos++;
        this.skipWhitespace();
        const index = this.parseExpr();
        this.skipWhitespace();
        if (this.text[this.pos] !== ']' || this.pos >= this.end) this.fail("expected ']' to close the index");
        this.pos++;
        expr = { kind: 'index', target: expr, index, start: expr.start, end: this.pos };
      } else break;
    }
    this.depth--;
    return expr;
  }

  private parsePrimary(): Expr {
    const start = this.pos;
    const c = this.text[this.pos];
    if (this.pos >= this.end)
      this.fail('expected a value (a function call, a string or a number) but the expression ended');
    if (c === "'") return this.parseString();
    if (c === '-' || (c >= '0' && c <= '9')) return this.parseNumber();
    const name = this.readIdentifier();
    if (!name) this.fail(`unexpected '${c}'; expected a function call, a 'string' or a number`);
    let namespace: string | undefined;
    let fnName = name;
    this.skipWhitespace();
    if (this.text[this.pos] === '.' && this.pos < this.end) {
      // `namespace.function(` (user-defined function)
      const save = this.pos;
      this.pos++;
      this.skipWhitespace();
      const second = this.readIdentifier();
      this.skipWhitespace();
      if (second && this.text[this.pos] === '(' && this.pos < this.end) {
        namespace = name;
        fnName = second;
      } else {
        this.pos = save;
      }
    }
    if (this.text[this.pos] !== '(' || this.pos >= this.end) {
      const lower = name.toLowerCase();
      const hint =
        lower === 'true' || lower === 'false' || lower === 'null'
          ? ` ARM has no bare ${lower}: write ${lower}()`
          : ` Call it as ${name}(...) or quote it as '${name}'.`;
      this.fail(`'${name}' is not a function call or a literal.${hint}`, start);
    }
    this.pos++;
    const args: Expr[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === ')' && this.pos < this.end) {
      this.pos++;
    } else {
      for (;;) {
        this.skipWhitespace();
        args.push(this.parseExpr());
        this.skipWhitespace();
        const d = this.text[this.pos];
        if (this.pos >= this.end) this.fail(`the call to ${fnName} is missing its closing ')'`);
        if (d === ',') {
          this.pos++;
          continue;
        }
        if (d === ')') {
          this.pos++;
          break;
        }
        this.fail(`expected ',' or ')' in the arguments of ${fnName} but found '${d}'`);
      }
    }
    return namespace === undefined
      ? { kind: 'call', name: fnName, args, start, end: this.pos }
      : { kind: 'call', name: fnName, namespace, args, start, end: this.pos };
  }

  private readIdentifier(): string {
    const start = this.pos;
    const first = this.text.charCodeAt(start);
    if (start >= this.end || isDigit(first)) return '';
    while (this.pos < this.end && isIdentifierPart(this.text.charCodeAt(this.pos))) this.pos++;
    return this.text.slice(start, this.pos);
  }

  private parseString(): Expr {
    const start = this.pos;
    this.pos++;
    let value = '';
    for (;;) {
      const quote = this.text.indexOf("'", this.pos);
      if (quote < 0 || quote >= this.end)
        this.fail(
          "unterminated string literal: add the closing ' (write '' for a quote inside a string)",
          start,
        );
      value += this.text.slice(this.pos, quote);
      if (this.text.charCodeAt(quote + 1) === 0x27 && quote + 1 < this.end) {
        value += "'";
        this.pos = quote + 2;
        continue;
      }
      this.pos = quote + 1;
      break;
    }
    return { kind: 'string', value, start, end: this.pos };
  }

  private parseNumber(): Expr {
    const start = this.pos;
    if (this.text[this.pos] === '-') this.pos++;
    const digitsStart = this.pos;
    while (this.pos < this.end && isDigit(this.text.charCodeAt(this.pos))) this.pos++;
    if (this.pos === digitsStart) this.fail("expected digits after '-'", start);
    if (
      this.text[this.pos] === '.' &&
      /[0-9]/.test(this.text[this.pos + 1] ?? '') &&
      this.pos + 1 < this.end
    ) {
      this.fail("ARM expressions have integer literals only; write json('1.5') for a decimal", start);
    }
    const value = Number(this.text.slice(start, this.pos));
    return { kind: 'number', value: Object.is(value, -0) ? 0 : value, start, end: this.pos };
  }
}

/**
 * Parses an ARM expression. Accepts the whole template string (`[concat('a', 'b')]`) or the bare
 * expression (`concat('a', 'b')`); offsets refer to `text` as given. Never throws.
 */
export function parseExpression(text: string): ParseResult {
  try {
    if (typeof text !== 'string') return { ok: false, error: 'expression is not a string', offset: 0 };
    let start = 0;
    let end = text.length;
    if (text.startsWith('[')) {
      if (!text.endsWith(']') || text.length < 2) {
        return {
          ok: false,
          error: "the expression starts with '[' but does not end with ']'",
          offset: text.length,
        };
      }
      start = 1;
      end = text.length - 1;
    }
    return { ok: true, ast: new Parser(text, start, end).parseAll() };
  } catch (error) {
    if (error instanceof SyntaxFailure) return { ok: false, error: error.message, offset: error.offset };
    return { ok: false, error: `the expression could not be parsed (${String(error)})`, offset: 0 };
  }
}
