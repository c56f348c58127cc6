import { AppError, type ErrorCode, type FieldProblem } from '../errors.ts';

/** One field's problem as data: a stable code and the values the message needs. */
export type Problem = FieldProblem;

/** An AppError whose field problems are `{ code, params }`; `fields` carries the bare codes for transports that read only those. */
export function refusal(code: ErrorCode, message: string, problems: Record<string, Problem>): AppError {
  const fields = Object.fromEntries(Object.entries(problems).map(([name, p]) => [name, p.code]));
  return new AppError(code, message, fields, problems);
}

/** The `{ code, params }` problems of an error (or the bare codes of an AppError that has only those). */
export function problemsOf(e: AppError): Record<string, Problem> {
  if (e.fieldProblems) return e.fieldProblems;
  return Object.fromEntries(Object.entries(e.fields ?? {}).map(([name, code]) => [name, { code }]));
}

export const emailShape = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const maxNameLength = 200;
/** argon2 takes any length; a bound keeps a megabyte "password" from costing anything. */
export const maxPasswordLength = 256;
