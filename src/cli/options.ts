import { ConfigurationError } from '../errors.js';

export const FAIL_ON = ['regression', 'fail', 'warn', 'never'] as const;
export const UNKNOWN_AS = ['unknown', 'warn', 'fail'] as const;
export const FORMATS = ['table', 'markdown', 'json', 'sarif'] as const;

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
