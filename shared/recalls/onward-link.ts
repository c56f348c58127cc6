import { timingSafeEqual } from 'node:crypto';
import type { Tx } from '../db/index.ts';
import { linkKey, linkMac } from './notice-link.ts';

// An onward-notice link is "<onward notice id>.<expiry, unix seconds>.<HMAC-SHA256>", made like a
// notice link (notice-link.ts, same server key) but under its own purpose and id prefix: it opens
// one customer's onward notice and its reply form, never a consignee's notice or another customer's.
const purpose = 'recall-onward-notice';

/** A signer for onward-notice links with one read of the key. */
export async function onwardTokenSigner(db: Tx): Promise<(onwardNoticeId: string, expiresAt: string) => string> {
  const key = await linkKey(db);
  return (id, expiresAt) => {
    const expires = Math.floor(Date.parse(expiresAt) / 1000);
    return `${id}.${expires}.${linkMac(key, id, expires, purpose)}`;
  };
}

export async function signOnwardToken(db: Tx, onwardNoticeId: string, expiresAt: string): Promise<string> {
  return (await onwardTokenSigner(db))(onwardNoticeId, expiresAt);
}

export function onwardUrl(portalUrl: string, token: string): string {
  return `${portalUrl.replace(/\/$/, '')}/onward/${token}`;
}

export type OnwardTokenCheck = { ok: true; onwardNoticeId: string } | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

/** Checks an onward link's signature (constant time) and expiry against `now`. */
export async function checkOnwardToken(db: Tx, token: string, now: Date): Promise<OnwardTokenCheck> {
  const m = /^(ron_[a-z2-7]+)\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return { ok: false, reason: 'malformed' };
  const [, id, exp, given] = m as unknown as [string, string, string, string];
  const expected = Buffer.from(linkMac(await linkKey(db), id, Number(exp), purpose));
  if (!timingSafeEqual(expected, Buffer.from(given))) return { ok: false, reason: 'forged' };
  if (Number(exp) * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, onwardNoticeId: id };
}
