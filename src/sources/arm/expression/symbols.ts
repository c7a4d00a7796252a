/**
 * Symbols for strings known only at deployment. A parameter with no value or an azd placeholder
 * is unknown, but it is one value: `st{p}` built twice from the same `p` is the same name. An
 * unknown carries its `symbol`, the text it will be with each unknown part written as an atom,
 * and the functions that build names and ids (concat, format, resourceId, uniqueString, …) build
 * the symbol of their result the same way, so a workspace's `resourceId(…, parameters('st'))`
 * and the storage account named `[parameters('st')]` have the same id symbol.
 *
 * An atom is `OPEN key SEP display CLOSE`: `key` is a hash of what the part is (which parameter
 * of which template, which function of which inputs), `display` how to show it. Neither holds a
 * `/`, so ids built from symbols split into types and names as real ids do. Symbols compare by
 * their keys (`symbolKey`), and are shown with each atom as `[display]` (`readableSymbol`).
 */
import { createHash } from 'node:crypto';
import { UnknownValue, isUnknown, type Value } from '../../../model.js';

const OPEN = '\uE000';
const SEP = '\uE001';
const CLOSE = '\uE002';
const ATOM = /\uE000([0-9a-f]+)\uE001([^\uE002]*)\uE002/g;

/** One unknown part: `identity` says what it is (equal identities, equal values), `display` how it reads. */
export function atom(identity: string, display: string): string {
  const key = createHash('sha1').update(identity).digest('hex').slice(0, 16);
  // A `/` would split an id built from the symbol at the wrong place.
  return `${OPEN}${key}${SEP}${display.replace(/[\uE000-\uE002]/g, '').replace(/\//g, '\u2215')}${CLOSE}`;
}

/** Whether a text holds an atom (a function given symbols returned one). */
export function hasAtom(text: string): boolean {
  return text.includes(OPEN);
}

/** The symbol of a string parameter that has no value, in the template `scope` (a nested template's own are others). */
export function parameterSymbol(name: string, scope: string): string {
  return atom(`parameters:${scope}:${name.toLowerCase()}`, `parameters('${name}')`);
}

/** The symbol of an azd `${NAME}` placeholder: the environment variable's value when azd deploys. */
export function azdSymbol(variable: string): string {
  return atom(`azd:${variable}`, `\${${variable}}`);
}

/** The unknown without its symbol: a value computed from it is not it. */
export function withoutSymbol(value: UnknownValue): UnknownValue {
  return value.symbol === undefined ? value : new UnknownValue(value.reason);
}

/** Text of an argument for a function given symbols: a known string, or an unknown's symbol. */
export function symbolText(value: Value): string | undefined {
  if (typeof value === 'string') return value;
  return isUnknown(value) ? value.symbol : undefined;
}

/** The symbol with each atom reduced to its key: what it is, whatever its display. */
function identityOf(symbol: string): string {
  return symbol.replace(ATOM, (_match, key: string) => `${OPEN}${key}${CLOSE}`);
}

/** What names and ids are compared by: as ARM compares them, case-insensitively. */
export function symbolKey(symbol: string): string {
  return identityOf(symbol).toLowerCase();
}

/** A symbol as the user reads it: `st[uniqueString(…, parameters('env'))]`. */
export function readableSymbol(symbol: string): string {
  return symbol.replace(ATOM, (_match, _key: string, display: string) => `[${display}]`);
}

/** How a symbol reads inside another atom's display: an atom alone as its display, else quoted. */
function displayOf(symbol: string): string {
  const only = /^\uE000[0-9a-f]+\uE001([^\uE002]*)\uE002$/.exec(symbol);
  return only ? only[1]! : `'${readableSymbol(symbol)}'`;
}

/** A known argument inside a display: short texts and numbers as written, ids and the like elided. */
function displayKnown(value: Value): string {
  if (typeof value === 'string') return value.length <= 24 && !value.includes('/') ? `'${value}'` : '…';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '…';
}

/**
 * The symbol of `name(args)` for a function whose result is a function of its arguments only
 * (uniqueString, guid, take, substring, …): one atom of the function and its inputs.
 */
export function callSymbol(name: string, args: Value[]): string | undefined {
  const identities: string[] = [];
  const displays: string[] = [];
  for (const arg of args) {
    if (isUnknown(arg)) {
      if (arg.symbol === undefined) return undefined;
      identities.push(`~${JSON.stringify(identityOf(arg.symbol))}`);
      displays.push(displayOf(arg.symbol));
    } else {
      identities.push(JSON.stringify(arg));
      displays.push(displayKnown(arg));
    }
  }
  return atom(`${name.toLowerCase()}(${identities.join(',')})`, `${name}(${displays.join(', ')})`);
}

/** `toLower` / `toUpper` of a symbol: its known text mapped, each atom wrapped (its case is unknown). */
export function caseSymbol(symbol: string, upper: boolean): string {
  const name = upper ? 'toUpper' : 'toLower';
  let out = '';
  let last = 0;
  for (const match of symbol.matchAll(ATOM)) {
    const text = symbol.slice(last, match.index);
    out += upper ? text.toUpperCase() : text.toLowerCase();
    out += atom(`${name}(${OPEN}${match[1]}${CLOSE})`, `${name}(${match[2]})`);
    last = match.index + match[0].length;
  }
  const rest = symbol.slice(last);
  return out + (upper ? rest.toUpperCase() : rest.toLowerCase());
}

/** The symbol of `value.name` or `value[index]` read from an unknown object or array with a symbol. */
export function memberSymbol(symbol: string, member: string | number): string {
  const display =
    typeof member === 'number' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(member)
      ? `${displayOf(symbol)}[${JSON.stringify(member).replace(/"/g, "'")}]`
      : `${displayOf(symbol)}.${member}`;
  const identity = JSON.stringify(typeof member === 'string' ? member.toLowerCase() : member);
  return atom(`member(${identityOf(symbol)},${identity})`, display);
}
