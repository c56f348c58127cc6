import { expect } from 'vitest';
import { isAppError, type AppError } from '../../shared/errors.ts';

/** The AppError that `p` is refused with; the test fails when `p` succeeds or fails with anything else. */
export async function refusal(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(isAppError(e), `expected an AppError, got ${String(e)}`).toBe(true);
  return e as AppError;
}
