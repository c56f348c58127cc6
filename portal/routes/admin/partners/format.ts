// Small helpers shared by the EDI partner admin pages (client and server). Times are UTC, as
// everywhere on the admin pages.
import type { As2Identity } from '$shared/edi/identity/get-as2-identity.ts';
import type { IdentityKey } from '$shared/edi/identity/as2-identity-keys.ts';
import type { PartnerCertificate } from '$shared/edi/partners/partner-certificates.ts';

export const day = (iso: string) => iso.slice(0, 10);

/** "AB:CD:…" as OpenSSL prints a fingerprint. */
export function colonHex(hex: string): string {
  return hex.toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

/** A certificate as the pages show it: without its PEM (which stays on the server). */
export function certificateView(c: PartnerCertificate) {
  return {
    id: c.id,
    fingerprintSha256: c.fingerprintSha256,
    subject: c.subject,
    issuer: c.issuer,
    serialNumber: c.serialNumber,
    usage: c.usage,
    addedAt: c.addedAt,
    removedAt: c.removedAt,
    validity: c.validity,
  };
}

function keyView(k: IdentityKey) {
  return { id: k.id, fingerprintSha256: k.fingerprintSha256, subject: k.subject, state: k.state, signs: k.signs, validity: k.validity };
}

/** Our identity without PEMs: the certificate is downloaded from identity.pem. */
export function identitySummary(identity: As2Identity) {
  return { as2Id: identity.as2Id, active: identity.active.map(keyView), retired: identity.retired.map(keyView), hasCertificate: identity.certificatePem !== undefined };
}
