import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Tx } from '../db/index.ts';
import { openSecret, secretContext } from '../keys/secrets.ts';
import { problem, refusal, type AppError } from '../errors.ts';

// A notice link is "<notice id>.<expiry, unix seconds>.<HMAC-SHA256>" over the purpose, id and
// expiry, keyed by a server key kept in the database sealed with the keys outside it (made on first use, never logged). It
// opens one notice, for one purpose, until it expires; nothing else.
const purpose = 'recall-notice';

/** The server key notice links (and onward-notice links, onward-link.ts, under their own purpose) are signed with. */
export async function linkKey(db: Tx): Promise<Buffer> {
  const name = 'notice-links';
  const select = () => db.get<{ key: string }>('SELECT key FROM server_keys WHERE name = ?', [name]);
  let row = await select();
  if (!row) {
    // Sealed with the keys kept outside the database: its holder cannot mint notice links.
    await db.run('INSERT OR IGNORE INTO server_keys (name, key, created_at) VALUES (?, ?, ?)', [name, db.keys.seal(secretContext.serverKey(name), randomBytes(32)), new Date().toISOString()]);
    row = await select();
  }
  return openSecret(db.keys, secretContext.serverKey(name), row!.key);
}

/** The MAC of a link: over its purpose, id and expiry (a link made for one purpose never opens another's page). */
export function linkMac(key: Buffer, noticeId: string, expires: number, linkPurpose: string = purpose): string {
  return createHmac('sha256', key).update(`${linkPurpose}\n${noticeId}\n${expires}`).digest('base64url');
}

/** The token for a notice's link, valid until `expiresAt`. */
export async function signNoticeToken(db: Tx, noticeId: string, expiresAt: string): Promise<string> {
  return (await noticeTokenSigner(db))(noticeId, expiresAt);
}

/** A signer for many tokens with one read of the key (a recall's release signs thousands). */
export async function noticeTokenSigner(db: Tx): Promise<(noticeId: string, expiresAt: string) => string> {
  const key = await linkKey(db);
  return (noticeId, expiresAt) => {
    const expires = Math.floor(Date.parse(expiresAt) / 1000);
    return `${noticeId}.${expires}.${linkMac(key, noticeId, expires)}`;
  };
}

export function noticeUrl(portalUrl: string, token: string): string {
  return `${portalUrl.replace(/\/$/, '')}/notices/${token}`;
}

export type NoticeTokenCheck = { ok: true; noticeId: string } | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

/**
 * A link that does not open its notice, as every door refuses it: an expired one is forbidden
 * (`notices.linkExpired`: sign in, or ask for a new link), any other not found
 * (`notices.linkInvalid`), with `summary` the English line for the log.
 */
export function noticeLinkRefusal(reason: 'malformed' | 'forged' | 'expired', summary: string): AppError {
  return reason === 'expired'
    ? refusal('forbidden', summary, { link: problem('notices.linkExpired') })
    : refusal('not_found', summary, { link: problem('notices.linkInvalid') });
}

/** Checks a token's signature (constant time) and expiry against `now`. */
export async function checkNoticeToken(db: Tx, token: string, now: Date): Promise<NoticeTokenCheck> {
  const m = /^(rnt_[a-z2-7]+)\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return { ok: false, reason: 'malformed' };
  const [, noticeId, exp, given] = m as unknown as [string, string, string, string];
  const expected = Buffer.from(linkMac(await linkKey(db), noticeId, Number(exp)));
  if (!timingSafeEqual(expected, Buffer.from(given))) return { ok: false, reason: 'forged' };
  if (Number(exp) * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, noticeId };
}
