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
  challenge_expired: 400,
  passkey_rejected: 400,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof errorCodes;

/** A field problem as data: a stable code and its parameters, for each transport to word. */
export interface FieldProblem {
  code: string;
  params?: Record<string, string | number>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  /** Field-level problems, e.g. { email: 'must be an e-mail address' }. */
  readonly fields?: Record<string, string>;
  /** The same problems as codes, for those fields that have one (the portal words them from its catalogues). */
  readonly fieldProblems?: Record<string, FieldProblem>;

  constructor(code: ErrorCode, message: string, fields?: Record<string, string>, fieldProblems?: Record<string, FieldProblem>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.fields = fields;
    if (fieldProblems && Object.keys(fieldProblems).length) this.fieldProblems = fieldProblems;
  }

  get status(): number {
    return errorCodes[this.code];
  }
}

/** Works across module copies (the CLI and the portal bundle each load shared/). */
export function isAppError(e: unknown): e is AppError {
  return e instanceof Error && e.name === 'AppError' && typeof (e as AppError).code === 'string';
}
