// Who may do what with certificates, once for the pages (the `permissions` of listCertificates
// and getCertificate) and the use cases that refuse (submitCertificate, certificate-decision.ts).
import type { Actor } from '../auth/actor.ts';
import { permission } from '../auth/permission.ts';
import { AppError } from '../errors.ts';
import { certificateRecordHash, type Certificate } from './certificate.ts';

/** A supplier's users submit their organisation's certificates and new versions of them. */
export const submitCertificates = permission('supplier_user');

/** Manufacturer QA decides on (signs) a submitted version. */
export const decideCertificates = permission('manufacturer_qa');

/**
 * Null when this version can be decided on now; else the conflict: only a submitted version
 * whose stored content still has its record hash (what the signature binds to).
 */
export function decisionConflict(certificate: Certificate): AppError | null {
  if (certificate.state !== 'submitted') {
    return new AppError('conflict', `version ${certificate.version} of certificate ${certificate.number} is ${certificate.state}: only a submitted version can be decided`);
  }
  if (certificateRecordHash(certificate) !== certificate.recordHash) {
    return new AppError('conflict', 'the stored certificate no longer matches its record hash: it cannot be signed');
  }
  return null;
}

/** What the certificates page offers the actor. */
export function certificateListPermissions(actor: Pick<Actor, 'role'>): { upload: boolean } {
  return { upload: submitCertificates.allows(actor) };
}

/** What a certificate version's page offers the actor: the decision, a new version of the series. */
export function certificatePermissions(actor: Pick<Actor, 'role'>, certificate: Certificate): { decide: boolean; uploadVersion: boolean } {
  return {
    decide: decideCertificates.allows(actor) && decisionConflict(certificate) === null,
    uploadVersion: submitCertificates.allows(actor),
  };
}
