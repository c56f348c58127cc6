import { AppError } from '../errors.ts';
import { createKeyring, type InstallationStore, type Keyring } from './keyring.ts';

/**
 * The master keys from the secret `LOTBRIDGE_KEY` (base64 keys, newest first, comma-separated):
 * the environment on Node, a Worker secret (`wrangler secret put LOTBRIDGE_KEY`) on Workers.
 * No file and no `fs` here, so the Worker loads its keyring from its `env` with this alone;
 * key files (Node) are key-file.ts.
 */
export function keyringFromSecret(env: Record<string, string | undefined>): Keyring {
  const secret = env.LOTBRIDGE_KEY?.trim();
  if (!secret) throw new AppError('invalid_input', 'LOTBRIDGE_KEY is not set: the keys that protect the audit trail and secrets come from it (base64 of 32 random bytes; `openssl rand -base64 32`)');
  return createKeyring(secret.split(',').map((k) => parseKey(k, 'LOTBRIDGE_KEY')), environmentInstallation(env));
}

/** One base64 master key (32 bytes); `where` names its source in the refusal. */
export function parseKey(text: string, where: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new AppError('invalid_input', `${where} holds a key that is not 32 bytes of base64`);
  return key;
}

/**
 * With keys from the environment there is no file to record the installation in, so it is
 * fixed by configuration: every entry after LOTBRIDGE_KEY_LEGACY_THROUGH (default 0) must carry
 * a MAC. Installing keys over a trail from before them needs that variable set once.
 */
function environmentInstallation(env: Record<string, string | undefined>): InstallationStore {
  const legacyThrough = Number(env.LOTBRIDGE_KEY_LEGACY_THROUGH ?? 0);
  if (!Number.isInteger(legacyThrough) || legacyThrough < 0) throw new AppError('invalid_input', 'LOTBRIDGE_KEY_LEGACY_THROUGH must be a whole number ≥ 0');
  return {
    installation: { legacyThrough },
    markInstalled(needed) {
      if (needed > legacyThrough) {
        throw new AppError('conflict', `the audit trail has ${needed} entries from before keys: set LOTBRIDGE_KEY_LEGACY_THROUGH=${needed} (once checked) to install keys from LOTBRIDGE_KEY over it`);
      }
    },
  };
}
