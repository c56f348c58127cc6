import type { Db } from '../../db/index.ts';
import { newestFirst } from './as2-identity-keys.ts';
import { openSecretText, secretContext } from '../../keys/secrets.ts';

export interface StoredKeyPair {
  keyId: string;
  /** PKCS#8 PEM: hand it to shared/as2/keys.ts `loadPrivateKey`; never log it. */
  privateKeyPem: string;
  certificatePem: string;
}

/**
 * Our private keys for the AS2 pipeline (no actor: the gateway itself): the newest active key
 * pair signs; every active one, and every retired one until its certificate expires, may
 * decrypt (a partner may still encrypt to a certificate we rotated away from).
 */
export async function loadAs2Keys(db: Pick<Db, 'all' | 'keys'>, now: Date): Promise<{ signing: StoredKeyPair | undefined; decryption: StoredKeyPair[] }> {
  const rows = await db.all<{ id: string; purpose: string; state: string; not_after: string; private_key_pem: string; certificate_pem: string }>(
    `SELECT id, purpose, state, not_after, private_key_pem, certificate_pem FROM as2_identity_keys ${newestFirst}`,
  );
  const pair = (r: (typeof rows)[number]): StoredKeyPair => ({
    keyId: r.id,
    privateKeyPem: openSecretText(db.keys, secretContext.as2PrivateKey(r.id), r.private_key_pem),
    certificatePem: r.certificate_pem,
  });
  const signer = rows.find((r) => r.state === 'active' && r.purpose !== 'encryption');
  const decryption = rows.filter((r) => r.purpose !== 'signing' && (r.state === 'active' || Date.parse(r.not_after) > now.getTime()));
  return { signing: signer && pair(signer), decryption: decryption.map(pair) };
}
