// Idempotency-Key on POST (draft-ietf-httpapi-idempotency-key-header): the first answer to a key
// is kept for 24 hours and a retry of the same request gets it again; the same key with another
// request is refused (422); a retry while the first is still being answered is told to wait (409).
import type { UseCaseContext } from '../../shared/context.ts';
import { AppError, problem, refusal } from '../../shared/errors.ts';
import { isSealed } from '../../shared/keys/keyring.ts';
import { secretContext } from '../../shared/keys/secrets.ts';

export const idempotencyKeyMaxLength = 255;
/** How long answers are kept for a retry. */
export const idempotencyRetentionMs = 24 * 3_600_000;
/** How long a first request may take before a retry may take its key over (it crashed or timed out). */
export const idempotencyLeaseMs = 60_000;

const keyShape = new RegExp(`^[\\x21-\\x7e]{1,${idempotencyKeyMaxLength}}$`);

export function checkIdempotencyKey(value: string): void {
  if (!keyShape.test(value)) {
    throw refusal('invalid_input', `the Idempotency-Key header must be 1 to ${idempotencyKeyMaxLength} printable characters without spaces`, {
      'header:Idempotency-Key': problem('api.badIdempotencyKey', { max: idempotencyKeyMaxLength }),
    });
  }
}

export interface KeptAnswer {
  status: number;
  headers: Record<string, string>;
  body: string | null;
}

/** What to do with a request carrying a key: answer it (the key is now ours) or replay the kept answer. */
export type IdempotencyClaim = { kind: 'run' } | { kind: 'replay'; answer: KeptAnswer };

interface Row {
  request_hash: string;
  state: 'running' | 'done';
  status: number | null;
  headers: string | null;
  body: string | null;
  created_at: string;
  lease_until: string;
}

/**
 * Claims `key` for this request, or finds the kept answer to replay. Refuses a key used for
 * another request (422) and one whose first request is still running (409, with the seconds to
 * wait). Keys older than a day are forgotten, and deleted here as we pass.
 */
export async function claimIdempotencyKey(ctx: UseCaseContext, apiKeyId: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
  const now = ctx.clock.now();
  const expiredBefore = new Date(now.getTime() - idempotencyRetentionMs).toISOString();
  return ctx.db.transaction(async (tx) => {
    await tx.run('DELETE FROM api_idempotency WHERE created_at < ?', [expiredBefore]);
    const row = await tx.get<Row>('SELECT request_hash, state, status, headers, body, created_at, lease_until FROM api_idempotency WHERE api_key_id = ? AND idempotency_key = ?', [apiKeyId, key]);
    const leaseUntil = new Date(now.getTime() + idempotencyLeaseMs).toISOString();
    if (!row) {
      await tx.run("INSERT INTO api_idempotency (api_key_id, idempotency_key, request_hash, state, created_at, lease_until) VALUES (?, ?, ?, 'running', ?, ?)", [
        apiKeyId,
        key,
        requestHash,
        now.toISOString(),
        leaseUntil,
      ]);
      return { kind: 'run' };
    }
    if (row.request_hash !== requestHash) {
      throw refusal('unprocessable', 'this Idempotency-Key was used for another request', { 'header:Idempotency-Key': problem('api.idempotencyKeyReused') });
    }
    if (row.state === 'done') {
      const body = isSealed(row.body) ? tx.keys.open(secretContext.idempotentAnswer(apiKeyId, key), row.body).toString('utf8') : row.body;
      return { kind: 'replay', answer: { status: row.status!, headers: JSON.parse(row.headers ?? '{}') as Record<string, string>, body } };
    }
    const waitMs = Date.parse(row.lease_until) - now.getTime();
    if (waitMs > 0) {
      const seconds = Math.max(1, Math.ceil(waitMs / 1000));
      throw new IdempotencyInProgress(seconds);
    }
    // The first request's lease ran out (it crashed or was cut off): this one answers instead.
    await tx.run('UPDATE api_idempotency SET lease_until = ? WHERE api_key_id = ? AND idempotency_key = ?', [leaseUntil, apiKeyId, key]);
    return { kind: 'run' };
  });
}

/** 409: the first request with this key is still being answered; `retryAfter` seconds. */
export class IdempotencyInProgress extends AppError {
  readonly retryAfter: number;
  constructor(seconds: number) {
    super('conflict', `a request with this Idempotency-Key is still being answered: retry after ${seconds} s`, {
      'header:Idempotency-Key': problem('api.idempotencyInProgress', { seconds }),
    });
    this.retryAfter = seconds;
  }
}

/**
 * Keeps the answer for retries (not a 5xx: a retry of a failure on our side should try again),
 * its body sealed like every secret at rest: an answer may carry one (a webhook endpoint's
 * signing secret), and a copy of the database must not give it away.
 */
export async function keepIdempotentAnswer(ctx: UseCaseContext, apiKeyId: string, key: string, answer: KeptAnswer): Promise<void> {
  if (answer.status >= 500) return releaseIdempotencyKey(ctx, apiKeyId, key);
  await ctx.db.run("UPDATE api_idempotency SET state = 'done', status = ?, headers = ?, body = ? WHERE api_key_id = ? AND idempotency_key = ?", [
    answer.status,
    JSON.stringify(answer.headers),
    answer.body === null ? null : ctx.db.keys.seal(secretContext.idempotentAnswer(apiKeyId, key), answer.body),
    apiKeyId,
    key,
  ]);
}

/** Forgets the key after a failure on our side, so the retry runs again. */
export async function releaseIdempotencyKey(ctx: UseCaseContext, apiKeyId: string, key: string): Promise<void> {
  await ctx.db.run("DELETE FROM api_idempotency WHERE api_key_id = ? AND idempotency_key = ? AND state = 'running'", [apiKeyId, key]);
}
