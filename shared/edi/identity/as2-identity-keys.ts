/**
 * Our AS2 key pairs as stored in as2_identity_keys, read without their private keys (the
 * private keys are read only by `load-as2-keys.ts`, for the AS2 pipeline itself).
 */
import type { Tx } from '../../db/index.ts';
import { certificateValidity, type CertificateValidity } from '../partners/certificate-expiry.ts';

export type IdentityKeyPurpose = 'signing' | 'encryption' | 'both';

export interface IdentityKey {
  id: string;
  purpose: IdentityKeyPurpose;
  fingerprintSha256: string;
  subject: string;
  state: 'active' | 'retired';
  createdAt: string;
  retiredAt: string | null;
  certificatePem: string;
  validity: CertificateValidity;
  /** True for the one key that signs: the newest active key that may sign. */
  signs: boolean;
}

interface IdentityKeyRow {
  id: string;
  purpose: IdentityKeyPurpose;
  fingerprint_sha256: string;
  subject: string;
  not_before: string;
  not_after: string;
  state: 'active' | 'retired';
  created_at: string;
  retired_at: string | null;
  certificate_pem: string;
}

/** Columns without private_key_pem. */
const publicColumns = 'id, purpose, fingerprint_sha256, subject, not_before, not_after, state, created_at, retired_at, certificate_pem';

/** The newest active key first; `rowid` breaks ties between keys made in the same millisecond. */
export const newestFirst = 'ORDER BY created_at DESC, rowid DESC';

/** Every key pair, newest first, the signing one marked. */
export async function readIdentityKeys(tx: Pick<Tx, 'all'>, now: Date): Promise<IdentityKey[]> {
  const rows = await tx.all<IdentityKeyRow>(`SELECT ${publicColumns} FROM as2_identity_keys ${newestFirst}`);
  const signer = rows.find((r) => r.state === 'active' && r.purpose !== 'encryption');
  return rows.map((r) => ({
    id: r.id,
    purpose: r.purpose,
    fingerprintSha256: r.fingerprint_sha256,
    subject: r.subject,
    state: r.state,
    createdAt: r.created_at,
    retiredAt: r.retired_at,
    certificatePem: r.certificate_pem,
    validity: certificateValidity(r.not_before, r.not_after, now),
    signs: r.id === signer?.id,
  }));
}

/** The manufacturer's name for the certificate's O (the first manufacturer organisation). */
export async function manufacturerName(tx: Pick<Tx, 'get'>): Promise<string> {
  const org = await tx.get<{ name: string }>("SELECT name FROM organisations WHERE kind = 'manufacturer' ORDER BY created_at, id LIMIT 1");
  return org?.name ?? 'Lotbridge';
}
