/**
 * String functions: concat, format, case, substring, replace, padding, searching (ARM compares
 * case-insensitively in startsWith / endsWith / indexOf), split, encodings (base64, data URI,
 * URI) and the deterministic names uniqueString and guid.
 */
import type { Value } from '../../../model.js';
import { ensureSize, sizeOf } from '../limits.js';
import { fail, int, str, wrongType, type CallContext, type FunctionTable } from './function-types.js';
import { FormatFailure, formatString } from './format.js';
import { armGuid, uniqueString } from './hash.js';
import { DeploymentTimeUnknown, isObject, toArmString } from './values.js';

function strings(ctx: CallContext, args: Value[]): string[] {
  return args.map((_, i) => str(ctx, args, i));
}

function decodeBase64(ctx: CallContext, text: string): string {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text.replace(/\s/g, '')) || text.replace(/\s/g, '').length % 4 === 1) {
    fail(ctx, 'was given text that is not valid base64');
  }
  return Buffer.from(text, 'base64').toString('utf8');
}

/** .NET's Uri.EscapeDataString: RFC 3986 unreserved characters stay, everything else is escaped. */
function escapeDataString(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export const STRING_FUNCTIONS: FunctionTable = {
  concat: {
    symbols: 'text',
    min: 1,
    max: Infinity,
    call: (args, ctx) => {
      // The parts are within the size limit; their sum may not be (concat(a, a) doubles).
      ensureSize(args.reduce<number>((total, arg) => total + sizeOf(arg), 0));
      if (args.some((arg) => Array.isArray(arg))) {
        const result: Value[] = [];
        args.forEach((arg, i) => {
          if (arg === null) return;
          if (!Array.isArray(arg)) wrongType(ctx, i, 'an array like the others', arg);
          // Not push(...arg): spreading a long array overflows the call stack.
          for (const item of arg) result.push(item);
        });
        return result;
      }
      return args
        .map((arg, i) => {
          if (isObject(arg)) wrongType(ctx, i, 'a string, integer or array', arg);
          return toArmString(arg);
        })
        .join('');
    },
  },
  format: {
    symbols: 'text',
    min: 1,
    max: Infinity,
    unknowns: 'deep',
    call: (args, ctx) => {
      try {
        return formatString(str(ctx, args, 0), args.slice(1));
      } catch (error) {
        if (error instanceof FormatFailure) return fail(ctx, error.message);
        throw error;
      }
    },
  },
  tolower: { symbols: 'case', min: 1, max: 1, call: (args, ctx) => str(ctx, args, 0).toLowerCase() },
  toupper: { symbols: 'case', min: 1, max: 1, call: (args, ctx) => str(ctx, args, 0).toUpperCase() },
  trim: { symbols: 'opaque', min: 1, max: 1, call: (args, ctx) => str(ctx, args, 0).trim() },
  substring: {
    symbols: 'opaque',
    min: 2,
    max: 3,
    call: (args, ctx) => {
      const text = str(ctx, args, 0);
      const start = int(ctx, args, 1);
      const length = args.length === 3 ? int(ctx, args, 2) : text.length - start;
      if (start < 0 || start > text.length) {
        fail(
          ctx,
          `start index ${start} is out of range: it must be between 0 and ${text.length}, the length of '${text}'`,
        );
      }
      if (length < 0 || start + length > text.length) {
        fail(
          ctx,
          `start index ${start} plus length ${length} goes past the end of '${text}' (length ${text.length}); use a shorter length or take() instead`,
        );
      }
      return text.substring(start, start + length);
    },
  },
  replace: {
    symbols: 'opaque',
    min: 3,
    max: 3,
    call: (args, ctx) => {
      const [text, oldText, newText] = strings(ctx, args);
      if (oldText === '') fail(ctx, 'cannot replace an empty string');
      const parts = text.split(oldText);
      ensureSize(text.length + (parts.length - 1) * (newText.length - oldText.length), 'a text');
      return parts.join(newText);
    },
  },
  padleft: {
    symbols: 'opaque',
    min: 2,
    max: 3,
    call: (args, ctx) => {
      const value = args[0];
      if (typeof value !== 'string' && typeof value !== 'number')
        wrongType(ctx, 0, 'a string or integer', value);
      const total = int(ctx, args, 1);
      const pad = args.length === 3 ? str(ctx, args, 2) : ' ';
      if (pad.length !== 1) fail(ctx, `needs a single padding character, not '${pad}'`);
      if (total > 16384) fail(ctx, 'cannot pad to more than 16384 characters');
      return toArmString(value).padStart(Math.max(total, 0), pad);
    },
  },
  startswith: {
    min: 2,
    max: 2,
    call: (args, ctx) =>
      str(ctx, args, 0)
        .toLowerCase()
        .startsWith(str(ctx, args, 1).toLowerCase()),
  },
  endswith: {
    min: 2,
    max: 2,
    call: (args, ctx) =>
      str(ctx, args, 0)
        .toLowerCase()
        .endsWith(str(ctx, args, 1).toLowerCase()),
  },
  split: {
    min: 2,
    max: 2,
    call: (args, ctx) => {
      const text = str(ctx, args, 0);
      const delimiters = Array.isArray(args[1])
        ? args[1].map((_, i) => str(ctx, args[1] as Value[], i))
        : [str(ctx, args, 1)];
      const usable = delimiters.filter((d) => d !== '');
      if (usable.length === 0) return [text];
      const parts: string[] = [];
      let current = '';
      let i = 0;
      outer: while (i < text.length) {
        for (const d of usable) {
          if (text.startsWith(d, i)) {
            parts.push(current);
            current = '';
            i += d.length;
            continue outer;
          }
        }
        current += text[i];
        i++;
      }
      parts.push(current);
      return parts;
    },
  },
  base64: {
    symbols: 'opaque',
    min: 1,
    max: 1,
    call: (args, ctx) => Buffer.from(str(ctx, args, 0), 'utf8').toString('base64'),
  },
  base64tostring: { min: 1, max: 1, call: (args, ctx) => decodeBase64(ctx, str(ctx, args, 0)) },
  base64tojson: {
    min: 1,
    max: 1,
    call: (args, ctx) => {
      const text = decodeBase64(ctx, str(ctx, args, 0));
      try {
        return JSON.parse(text) as Value;
      } catch {
        return fail(ctx, 'decoded text that is not valid JSON');
      }
    },
  },
  datauri: {
    min: 1,
    max: 1,
    call: (args) =>
      `data:text/plain;charset=utf8;base64,${Buffer.from(toArmString(args[0]), 'utf8').toString('base64')}`,
  },
  datauritostring: {
    min: 1,
    max: 1,
    call: (args, ctx) => {
      const text = str(ctx, args, 0);
      const match = /^data:([^,]*?),(.*)$/s.exec(text);
      if (!match) return fail(ctx, `was given '${text}', which is not a data URI`);
      return match[1].endsWith(';base64') ? decodeBase64(ctx, match[2]) : decodeURIComponent(match[2]);
    },
  },
  uri: {
    min: 2,
    max: 2,
    call: (args, ctx) => {
      const base = str(ctx, args, 0);
      const relative = str(ctx, args, 1);
      try {
        return new URL(relative, base).href;
      } catch {
        return fail(
          ctx,
          `cannot combine '${base}' and '${relative}': the first argument must be an absolute URI`,
        );
      }
    },
  },
  uricomponent: {
    symbols: 'opaque',
    min: 1,
    max: 1,
    call: (args, ctx) => escapeDataString(str(ctx, args, 0)),
  },
  uricomponenttostring: {
    min: 1,
    max: 1,
    call: (args, ctx) => {
      try {
        return decodeURIComponent(str(ctx, args, 0));
      } catch {
        return fail(ctx, 'was given text with an invalid percent-encoding');
      }
    },
  },
  uniquestring: {
    symbols: 'opaque',
    min: 1,
    max: Infinity,
    call: (args, ctx) => uniqueString(...strings(ctx, args)),
  },
  guid: { symbols: 'opaque', min: 1, max: Infinity, call: (args, ctx) => armGuid(...strings(ctx, args)) },
  newguid: { min: 0, max: 0, call: (_args, ctx) => new DeploymentTimeUnknown(ctx.text) },
};
