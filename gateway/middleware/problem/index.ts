import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isAppError, type AppError, type ProblemCode, type ProblemParams } from '../../../shared/errors.ts';
import { translateProblem } from '../../../shared/i18n/index.ts';

/** RFC 9457 problem details. `type` points at the error code's documentation. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code?: string;
  requestId?: string;
  /** The field problems: where (a JSON pointer into the request), the stable code, its values, and its English text. */
  errors?: FieldError[];
}

export interface FieldError {
  /** Where in the request body (RFC 6901); absent when the problem is a parameter's. */
  pointer?: string;
  /** The query, path or header parameter at fault (the REST API's). */
  parameter?: string;
  in?: 'query' | 'path' | 'header';
  code: ProblemCode;
  params?: ProblemParams;
  detail: string;
}

/** An AppError's field problems as problem+json `errors` (RFC 9457 §3: an extension member). */
export function fieldErrors(err: AppError): FieldError[] | undefined {
  const errors: FieldError[] = Object.entries(err.problems ?? {}).map(([field, p]) => ({
    pointer: pointerOf(field),
    code: p.code,
    ...(p.params && { params: p.params }),
    detail: translateProblem('en', p),
  }));
  return errors.length ? errors : undefined;
}

/** `lines/0/quantity` or `lines.0.quantity` → `/lines/0/quantity` (RFC 6901). */
const pointerOf = (field: string) => '/' + field.split(/[/.]/).map((s) => s.replace(/~/g, '~0')).join('/');

export const problemTypeBase = 'https://lotbridge.dev/problems/';

export function problem(c: Context, p: Omit<Problem, 'instance' | 'requestId'>): Response {
  const body: Problem = { ...p, instance: new URL(c.req.url).pathname, requestId: c.get('requestId') };
  return c.body(JSON.stringify(body), p.status as ContentfulStatusCode, { 'Content-Type': 'application/problem+json' });
}

/** An AppError as problem+json: its code and message, and its field problems as `errors`. */
export function appErrorProblem(c: Context, err: AppError, errors: FieldError[] | undefined = fieldErrors(err)): Response {
  return problem(c, {
    type: problemTypeBase + err.code,
    title: err.code.replace(/_/g, ' '),
    status: err.status,
    detail: err.message,
    code: err.code,
    ...(errors?.length && { errors }),
  });
}

/** Every error leaves as problem+json; AppErrors keep their code and message, others are hidden. */
export const onProblem = (): ErrorHandler => (err, c) => {
  if (isAppError(err)) return appErrorProblem(c, err);
  const raw = (err as unknown as { status?: unknown }).status;
  const status = typeof raw === 'number' && raw >= 400 && raw < 600 ? raw : 500;
  if (status >= 500) c.get('log')?.error('unhandled error', { err });
  return problem(c, {
    type: status >= 500 ? problemTypeBase + 'internal' : 'about:blank',
    title: status >= 500 ? 'internal error' : err.message,
    status,
    detail: status >= 500 ? `something went wrong on our side; quote request id ${c.get('requestId')} to support` : err.message,
  });
};

export const notFoundProblem = (): NotFoundHandler => (c) =>
  problem(c, { type: 'about:blank', title: 'not found', status: 404, detail: `nothing at ${c.req.method} ${new URL(c.req.url).pathname}` });
