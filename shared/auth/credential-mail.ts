import type { Tx } from '../db/index.ts';
import type { Clock } from '../clock.ts';
import type { Actor } from './actor.ts';
import { queueMail } from '../mail/queue-mail.ts';
import { translate, type Locale } from '../i18n/index.ts';

/**
 * Tells the account's owner that a passkey was added or removed (queued in the caller's
 * transaction, so the mail exists exactly when the change does): if it was not them, someone
 * holds their session or their password, and they can act.
 */
export async function queueCredentialMail(
  tx: Tx,
  clock: Clock,
  actor: Actor,
  change: { change: 'added' | 'removed'; passkeyName: string; at: string; confirmedWith: string; locale: Locale; passkeyId: string },
): Promise<void> {
  const t = (key: Parameters<typeof translate>[1], params?: Record<string, string>) => translate(change.locale, key, params);
  const method = change.confirmedWith === 'passkey' ? t('credentialMail.method.passkey') : t('credentialMail.method.password');
  const params = { name: actor.displayName, passkey: change.passkeyName, email: actor.email, time: `${change.at.slice(0, 10)} ${change.at.slice(11, 19)} UTC`, method };
  await queueMail(tx, clock, {
    to: actor.email,
    subject: t(change.change === 'added' ? 'credentialMail.added.subject' : 'credentialMail.removed.subject'),
    text: t(change.change === 'added' ? 'credentialMail.added.body' : 'credentialMail.removed.body', params),
    locale: change.locale,
    purpose: change.change === 'added' ? 'auth.passkey_added' : 'auth.passkey_removed',
    organisationId: actor.organisationId,
    entity: { type: 'passkey', id: change.passkeyId },
  });
}
