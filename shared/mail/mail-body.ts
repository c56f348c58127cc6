import type { Keyring } from '../keys/keyring.ts';
import { isSealed } from '../keys/keyring.ts';
import { secretContext } from '../keys/secrets.ts';

/**
 * A mail's text carries one-time secrets (invitation links, notice links, claim codes) for as
 * long as they work: it is stored sealed with the keys kept outside the database, bound to its
 * message, so the database file alone does not hand them out.
 */
export function sealMailBody(keys: Keyring, mailId: string, text: string): string {
  return keys.seal(secretContext.mailBody(mailId), text);
}

/**
 * The text of a stored mail. A body stored in clear is a message queued before bodies were
 * sealed (installKeys seals those at the next start): it is read as it is.
 */
export function openMailBody(keys: Keyring, mailId: string, stored: string): string {
  return isSealed(stored) ? keys.open(secretContext.mailBody(mailId), stored).toString('utf8') : stored;
}
