import { AppError, type ErrorCode } from '../errors.ts';

/** One field's problem as data: a stable code and the values the message needs. */
export interface Problem {
  code: string;
  params?: Record<string, string | number>;
}

/**
 * An AppError whose field problems are `{ code, params }`: `fields` carries the codes (for
 * every transport that reads AppError today), `problems` the codes with their parameters.
 */
export function refusal(code: ErrorCode, message: string, problems: Record<string, Problem>): AppError {
  const fields = Object.fromEntries(Object.entries(problems).map(([name, p]) => [name, p.code]));
  return Object.assign(new AppError(code, message, fields), { problems });
}

/** The `{ code, params }` problems of an error made by `refusal` (or the bare codes of any AppError). */
export function problemsOf(e: AppError): Record<string, Problem> {
  const attached = (e as AppError & { problems?: Record<string, Problem> }).problems;
  if (attached) return attached;
  return Object.fromEntries(Object.entries(e.fields ?? {}).map(([name, code]) => [name, { code }]));
}

export const emailShape = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const maxNameLength = 200;
/** argon2 takes any length; a bound keeps a megabyte "password" from costing anything. */
export const maxPasswordLength = 256;
