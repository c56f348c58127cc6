import { AppError } from '../errors.ts';
import { isSealed, type Keyring } from './keyring.ts';

/**
 * Secrets kept in the database are sealed with a key held outside it (AES-256-GCM), each
 * bound to its table, column and row so a sealed value cannot be moved to another row.
 */
export const secretContext = {
  as2PrivateKey: (id: string) => `as2_identity_keys.private_key_pem:${id}`,
  webhookSecret: (id: string) => `webhook_secrets.secret:${id}`,
  serverKey: (name: string) => `server_keys.key:${name}`,
  mailBody: (id: string) => `mail_messages.text_body:${id}`,
  idempotentAnswer: (apiKeyId: string, idempotencyKey: string) => `api_idempotency.body:${apiKeyId}:${idempotencyKey}`,
};

/** The plaintext of a sealed secret; a value stored in clear is refused (it was not written by us). */
export function openSecret(keys: Keyring, context: string, stored: unknown): Buffer {
  if (!isSealed(stored)) throw new AppError('conflict', `the secret ${context} is not sealed: it was written around Lotbridge (restore it, or rotate it)`);
  return keys.open(context, stored);
}

export function openSecretText(keys: Keyring, context: string, stored: unknown): string {
  return openSecret(keys, context, stored).toString('utf8');
}
