/**
 * What the mail log shows of a message's text: links that open something by themselves
 * (recall notice links, invitation links) and one-time codes are masked, so reading the log
 * gives no one a live link or code. The message itself, as sent, carries them unchanged.
 */
const linkTokens = /(\/(?:notices|invite)\/)([^\s/?#)>\]]+)/g;
/** Purposes whose text carries a one-time code (six digits). */
const codePurposes = new Set(['recall.notice_claim_code']);

export const masked = '[hidden]';

export function maskMailSecrets(text: string, purpose: string): string {
  let out = text.replace(linkTokens, `$1${masked}`);
  if (codePurposes.has(purpose)) out = out.replace(/\b\d{6}\b/g, masked);
  return out;
}
