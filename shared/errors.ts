import type { MessageKey } from './i18n/en.ts';

/**
 * The one error type use cases throw. `code` is stable and documented; transports map it to
 * an HTTP status (problem+json), a form failure or an EDI acknowledgement.
 */
export const errorCodes = {
  invalid_input: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  account_locked: 423,
  too_many_attempts: 429,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  challenge_expired: 400,
  passkey_rejected: 400,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof errorCodes;

/** A catalogue key that words a problem: `<capability>.problem.<code>`. */
export type ProblemKey = Extract<MessageKey, `${string}.problem.${string}`>;

/**
 * A problem's stable code, `<capability>.<code>` (e.g. `lots.unknownGtin`, `common.required`):
 * one for every catalogue key `<capability>.problem.<code>`, so a code without an English text
 * does not compile. The REST API and problem+json answer with these codes.
 */
export type ProblemCode = ProblemKey extends `${infer C}.problem.${infer R}` ? `${C}.${R}` : never;

/**
 * A parameter that is itself a phrase of the catalogue (e.g. "the despatch date"): worded in the
 * reader's language when the problem is, so no English fragment sits inside a Chinese sentence.
 */
export interface Term {
  term: MessageKey;
}

export function term(key: MessageKey): Term {
  return { term: key };
}

/** A problem's values: strings, numbers and terms (read back from JSON a term's key is a plain string). */
export type ProblemParams = Record<string, string | number | { term: string }>;

/** A field problem as data: a stable code and the values its message needs; each transport words it. */
export interface Problem {
  code: ProblemCode;
  params?: ProblemParams;
}

/** Field problems by field path: a form field's name, or a JSON-pointer-like path (`lines/0/quantity`). */
export type Problems = Record<string, Problem>;

/** A problem, written the one way the catalogue test finds (`problem('lots.badGtin', { value })`). */
export function problem(code: ProblemCode, params?: ProblemParams): Problem {
  return params && Object.keys(params).length ? { code, params } : { code };
}

/** The catalogue key that words a problem code: `lots.badGtin` → `lots.problem.badGtin`. */
export function problemKey(code: ProblemCode): ProblemKey {
  const dot = code.indexOf('.');
  return `${code.slice(0, dot)}.problem.${code.slice(dot + 1)}` as ProblemKey;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  /** The problems by field path, as data (the portal words them from its catalogues, the API answers with their codes). */
  readonly problems?: Problems;

  constructor(code: ErrorCode, message: string, problems?: Problems) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    if (problems && Object.keys(problems).length) this.problems = problems;
  }

  get status(): number {
    return errorCodes[this.code];
  }
}

/** A refusal with its field problems as data; `message` is the English summary for logs and the CLI. */
export function refusal(code: ErrorCode, message: string, problems: Problems = {}): AppError {
  return new AppError(code, message, problems);
}

/** Works across module copies (the CLI and the portal bundle each load shared/). */
export function isAppError(e: unknown): e is AppError {
  return e instanceof Error && e.name === 'AppError' && typeof (e as AppError).code === 'string';
}
