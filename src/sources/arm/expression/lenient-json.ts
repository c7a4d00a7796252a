/**
 * JSON as ARM's `json()` reads it (Newtonsoft's lenient reader): standard JSON plus single-quoted
 * strings, unquoted property names, numbers such as `.25` or `+1`, comments and trailing commas.
 */
import type { Value } from '../../../model.js';
import { setKey } from './values.js';

export class JsonFailure extends Error {}

export function parseLenientJson(text: string): Value {
  try {
    return JSON.parse(text) as Value;
  } catch {
    // fall through to the lenient reader
  }
  let pos = 0;
  const fail = (what: string): never => {
    throw new JsonFailure(`${what} at character ${pos + 1}`);
  };
  const skip = () => {
    for (;;) {
      while (pos < text.length && /\s/.test(text[pos])) pos++;
      if (text.startsWith('//', pos)) {
        while (pos < text.length && text[pos] !== '\n') pos++;
      } else if (text.startsWith('/*', pos)) {
        const end = text.indexOf('*/', pos + 2);
        if (end < 0) fail('unterminated comment');
        pos = end + 2;
      } else return;
    }
  };
  const readString = (): string => {
    const quote = text[pos++];
    let out = '';
    while (pos < text.length && text[pos] !== quote) {
      if (text[pos] === '\\') {
        const next = text[pos + 1];
        const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };
        if (next === 'u') {
          const hex = text.slice(pos + 2, pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('invalid \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          pos += 6;
        } else {
          out += escapes[next] ?? next ?? '';
          pos += 2;
        }
      } else out += text[pos++];
    }
    if (pos >= text.length) fail('unterminated string');
    pos++;
    return out;
  };
  const readValue = (depth: number): Value => {
    if (depth > 200) fail('nesting too deep');
    skip();
    const c = text[pos];
    if (c === '{') {
      pos++;
      const obj: { [key: string]: Value } = {};
      for (;;) {
        skip();
        if (text[pos] === '}') {
          pos++;
          return obj;
        }
        let key: string;
        if (text[pos] === '"' || text[pos] === "'") key = readString();
        else {
          const match = /^[A-Za-z_$][\w$]*/.exec(text.slice(pos));
          if (!match) return fail('expected a property name');
          key = match[0];
          pos += key.length;
        }
        skip();
        if (text[pos] !== ':') fail("expected ':'");
        pos++;
        setKey(obj, key, readValue(depth + 1));
        skip();
        if (text[pos] === ',') pos++;
        else if (text[pos] !== '}') fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      pos++;
      const arr: Value[] = [];
      for (;;) {
        skip();
        if (text[pos] === ']') {
          pos++;
          return arr;
        }
        arr.push(readValue(depth + 1));
        skip();
        if (text[pos] === ',') pos++;
        else if (text[pos] !== ']') fail("expected ',' or ']'");
      }
    }
    if (c === '"' || c === "'") return readString();
    const number = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(text.slice(pos));
    if (number) {
      pos += number[0].length;
      return Number(number[0]);
    }
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return value;
      }
    }
    return fail(pos >= text.length ? 'unexpected end of text' : `unexpected '${c}'`);
  };
  const value = readValue(0);
  skip();
  if (pos < text.length) fail('unexpected text after the value');
  return value;
}
