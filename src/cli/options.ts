import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigurationError } from '../errors.js';
import type { Status } from '../model.js';

export const FAIL_ON = ['regression', 'fail', 'warn', 'never'] as const;
export const UNKNOWN_AS = ['unknown', 'warn', 'fail'] as const;
export const FORMATS = ['table', 'markdown', 'json', 'sarif'] as const;
/** Statuses `--show` accepts (`all` for every one). */
export const SHOWABLE = ['fail', 'warn', 'unknown', 'suppressed', 'pass', 'info'] as const;

export type FailOn = (typeof FAIL_ON)[number];
export type UnknownAs = (typeof UNKNOWN_AS)[number];
export type Format = (typeof FORMATS)[number];

/** Checks a flag's value against its accepted values and says which are accepted when it is not one. */
export function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  accepted: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  const match = accepted.find((candidate) => candidate === value.toLowerCase());
  if (!match) {
    throw new ConfigurationError(`invalid ${flag} '${value}': expected one of ${accepted.join(', ')}.`);
  }
  return match;
}

/**
 * `--show fail,warn,unknown`: the statuses the table lists (the others are counted). `all` or
 * absent: every status. A status that does not exist is an error naming the accepted ones.
 */
export function parseShow(value: string | undefined): Set<Status> | undefined {
  if (value === undefined) return undefined;
  const items = value
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item !== '');
  if (items.length === 0 || items.includes('all')) return undefined;
  const wrong = items.filter((item) => !(SHOWABLE as readonly string[]).includes(item));
  if (wrong.length > 0)
    throw new ConfigurationError(
      `invalid --show '${value}': ${wrong.join(', ')} is not a status. Give a comma-separated list of ${SHOWABLE.join(', ')}, or all.`,
    );
  return new Set(items as Status[]);
}

/** The flags every command that reports takes: format, output, baseline, gate and config. */
export const REPORT_FLAGS = {
  format: { type: 'string' },
  output: { type: 'string', short: 'o' },
  baseline: { type: 'string' },
  'fail-on': { type: 'string' },
  'unknown-as': { type: 'string' },
  config: { type: 'string' },
  show: { type: 'string' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

/** Parses a command's flags; an unknown or malformed flag is one line pointing at `--help`. */
export function parseCommandFlags<T extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  args: string[],
  options: T,
) {
  try {
    return parseArgs({ args, allowPositionals: true, strict: true, options });
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/\.\s*$/, '') : String(error);
    throw new ConfigurationError(`${message}. Run 'aml-ha-gate ${command} --help' for the options.`);
  }
}
