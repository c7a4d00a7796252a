/**
 * Syntax tree of an ARM template expression (the text between `[` and `]`). Offsets are
 * 0-based positions in the original string (including the leading `[`), so a caller can point
 * at the part of the expression that failed and quote it back to the user.
 */
export type Expr = StringLiteral | NumberLiteral | Call | PropertyAccess | IndexAccess;

interface Span {
  /** Offset of the first character. */
  start: number;
  /** Offset one past the last character. */
  end: number;
}

export interface StringLiteral extends Span {
  kind: 'string';
  value: string;
}

export interface NumberLiteral extends Span {
  kind: 'number';
  value: number;
}

/** `name(args)` or `namespace.name(args)` (user-defined function). */
export interface Call extends Span {
  kind: 'call';
  name: string;
  namespace?: string;
  args: Expr[];
}

/** `target.name` */
export interface PropertyAccess extends Span {
  kind: 'property';
  target: Expr;
  name: string;
}

/** `target[index]` */
export interface IndexAccess extends Span {
  kind: 'index';
  target: Expr;
  index: Expr;
}

export type ParseResult = { ok: true; ast: Expr } | { ok: false; error: string; offset: number };
