import { problem, refusal, type AppError } from '../errors.ts';

/** The account is locked until `until` (ISO 8601): the refusal carries the time (HH:MM UTC) as data under `account`. */
export function lockedRefusal(message: string, until: string): AppError {
  return refusal('account_locked', message, { account: problem('auth.accountLocked', { time: until.slice(11, 16) }) });
}

/** Too many failures from this network until `until` (ISO 8601): the time as data under `source`. */
export function sourceBlockedRefusal(until: string): AppError {
  const time = until.slice(11, 16);
  return refusal('too_many_attempts', `too many failed sign-ins from this network: try again after ${time} UTC`, { source: problem('auth.sourceBlocked', { time }) });
}
