// The certificate types and states: plain constants without any server import, so the portal's
// pages can use them in the browser too.

export const certificateTypes = ['iso13485', 'ce_mdr', 'fda_registration', 'coc', 'coa', 'other'] as const;
export type CertificateType = (typeof certificateTypes)[number];

export const certificateStates = ['submitted', 'approved', 'rejected', 'superseded'] as const;
export type CertificateState = (typeof certificateStates)[number];

export function isCertificateType(value: unknown): value is CertificateType {
  return (certificateTypes as readonly unknown[]).includes(value);
}

export function isCertificateState(value: unknown): value is CertificateState {
  return (certificateStates as readonly unknown[]).includes(value);
}
