/** Certificates expiring sooner than this are flagged on the partner list. */
export const expiryWarningDays = 30;

export type ExpiryWarning = 'expired' | 'expiring' | 'not_yet_valid' | null;

export interface CertificateValidity {
  notBefore: string;
  notAfter: string;
  /** Whole days from `now` to notAfter (negative once expired). */
  daysLeft: number;
  warning: ExpiryWarning;
}

const day = 86_400_000;

export function certificateValidity(notBefore: string, notAfter: string, now: Date): CertificateValidity {
  const left = Date.parse(notAfter) - now.getTime();
  const daysLeft = Math.floor(left / day);
  let warning: ExpiryWarning = null;
  if (left < 0) warning = 'expired';
  else if (left < expiryWarningDays * day) warning = 'expiring';
  else if (Date.parse(notBefore) > now.getTime()) warning = 'not_yet_valid';
  return { notBefore, notAfter, daysLeft, warning };
}
