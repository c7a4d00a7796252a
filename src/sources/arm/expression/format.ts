/**
 * ARM's `format()`: .NET composite formatting (`{0}`, `{1,-8}`, `{0:D3}`, `{{` / `}}` escapes)
 * with the numeric format specifiers templates use (D, X, N, F, P, G and zero-padding patterns).
 */
import type { Value } from '../../../model.js';
import { ensureSize } from '../limits.js';
import { toArmString } from './values.js';

export class FormatFailure extends Error {}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function formatNumber(value: number, spec: string): string {
  const match = /^([A-Za-z])(\d*)$/.exec(spec);
  if (match) {
    const letter = match[1];
    const precision = match[2] === '' ? undefined : Number(match[2]);
    const negative = value < 0;
    const abs = Math.abs(value);
    switch (letter) {
      case 'D':
      case 'd': {
        if (!Number.isInteger(value)) throw new FormatFailure(`format specifier '${spec}' needs an integer`);
        return (negative ? '-' : '') + String(abs).padStart(precision ?? 0, '0');
      }
      case 'X':
      case 'x': {
        if (!Number.isInteger(value)) throw new FormatFailure(`format specifier '${spec}' needs an integer`);
        const hex = (negative ? BigInt(value) & 0xffffffffn : BigInt(value))
          .toString(16)
          .padStart(precision ?? 0, '0');
        return letter === 'X' ? hex.toUpperCase() : hex;
      }
      case 'N':
      case 'n': {
        const fixed = abs.toFixed(precision ?? 2);
        const [whole, fraction] = fixed.split('.');
        return (negative ? '-' : '') + groupThousands(whole) + (fraction ? `.${fraction}` : '');
      }
      case 'F':
      case 'f':
        return (negative ? '-' : '') + abs.toFixed(precision ?? 2);
      case 'P':
      case 'p': {
        const fixed = (abs * 100).toFixed(precision ?? 2);
        const [whole, fraction] = fixed.split('.');
        return `${negative ? '-' : ''}${groupThousands(whole)}${fraction ? `.${fraction}` : ''} %`;
      }
      case 'G':
      case 'g':
        return String(value);
      default:
        break;
    }
  }
  if (/^[0#,.]+$/.test(spec)) {
    // Custom pattern: zero placeholders set the minimum digits, as in '000' or '0.00'.
    const [wholePattern, fractionPattern = ''] = spec.split('.');
    const minWhole = (wholePattern.match(/0/g) ?? []).length;
    const decimals = fractionPattern.length;
    const negative = value < 0;
    const fixed = Math.abs(value).toFixed(decimals);
    const [whole, fraction] = fixed.split('.');
    const grouped = wholePattern.includes(',')
      ? groupThousands(whole.padStart(minWhole, '0'))
      : whole.padStart(minWhole, '0');
    const wholeText = minWhole === 0 && whole === '0' ? '' : grouped;
    return (negative ? '-' : '') + wholeText + (fraction ? `.${fraction}` : '');
  }
  return String(value);
}

/** Renders one argument with an optional .NET format string. */
function formatValue(value: Value, spec: string | undefined): string {
  if (spec !== undefined && typeof value === 'number') return formatNumber(value, spec);
  return toArmString(value);
}

/**
 * Formats `template` with `args` as .NET's String.Format does. Throws FormatFailure (the caller
 * turns it into an ExpressionError) for a malformed template or an index without an argument.
 */
export function formatString(template: string, args: Value[]): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const c = template[i];
    if (c === '{') {
      if (template[i + 1] === '{') {
        out += '{';
        i += 2;
        continue;
      }
      const close = template.indexOf('}', i);
      if (close < 0)
        throw new FormatFailure(`the format string has a '{' at position ${i} without a closing '}'`);
      const item = template.slice(i + 1, close);
      const match = /^\s*(\d+)\s*(?:,\s*(-?\d+)\s*)?(?::(.*))?$/s.exec(item);
      if (!match)
        throw new FormatFailure(`'{${item}}' is not a valid format item; write {0}, {1}, … or {0:D3}`);
      const index = Number(match[1]);
      if (index >= args.length) {
        throw new FormatFailure(
          `the format item {${index}} refers to argument ${index + 1}, but only ${args.length} were given`,
        );
      }
      let text = formatValue(args[index], match[3]);
      if (match[2] !== undefined) {
        const width = Number(match[2]);
        ensureSize(Math.abs(width), 'a text');
        text = width < 0 ? text.padEnd(-width) : text.padStart(width);
      }
      ensureSize(out.length + text.length, 'a text');
      out += text;
      i = close + 1;
    } else if (c === '}') {
      if (template[i + 1] === '}') {
        out += '}';
        i += 2;
        continue;
      }
      throw new FormatFailure(
        `the format string has a '}' at position ${i} without an opening '{'; write '}}' for a literal brace`,
      );
    } else {
      out += c;
      i++;
    }
  }
  return out;
}
