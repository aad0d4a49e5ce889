import { DatasetOptionError } from '../errors.js';

/**
 * Checking a layout's options. They arrive as plain JSON (worker threads receive the same object
 * and call loadDataset again), so each value is checked for its JSON type as well as its range,
 * and a misspelt key is an error that lists the keys we know, rather than a silent default.
 */

/** Returns what was expected when `value` is wrong, undefined when it is fine. */
export type OptionCheck = (value: unknown) => string | undefined;

export function checkOptions(where: string, options: Record<string, unknown>, checks: Record<string, OptionCheck>): void {
  const allowed = Object.keys(checks);
  for (const [key, value] of Object.entries(options)) {
    const check = checks[key];
    if (!check) {
      throw new DatasetOptionError(`${where}: unknown option '${key}'; the options are ${allowed.map((name) => `'${name}'`).join(', ')}.`);
    }
    if (value === undefined) continue;
    const expected = check(value);
    if (expected !== undefined) {
      throw new DatasetOptionError(`${where}: option '${key}' must be ${expected}, got ${JSON.stringify(value)}.`);
    }
  }
}

export const isString: OptionCheck = (value) => (typeof value === 'string' && value.length > 0 ? undefined : 'a non-empty string');
export const isBoolean: OptionCheck = (value) => (typeof value === 'boolean' ? undefined : 'true or false');

export function oneOf(...choices: readonly (string | number)[]): OptionCheck {
  return (value) =>
    choices.includes(value as string | number) ? undefined : `one of ${choices.map((choice) => JSON.stringify(choice)).join(', ')}`;
}

export const isStringArray: OptionCheck = (value) =>
  Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string' && item.length > 0)
    ? undefined
    : 'a non-empty array of strings';

export const isIndexArray: OptionCheck = (value) =>
  Array.isArray(value) && value.length > 0 && value.every((item) => Number.isInteger(item) && item >= 0)
    ? undefined
    : 'a non-empty array of integers >= 0';

export const isIntegerArray: OptionCheck = (value) =>
  Array.isArray(value) && value.length > 0 && value.every((item) => Number.isInteger(item)) && new Set(value).size === value.length
    ? undefined
    : 'a non-empty array of distinct integers';
