/**
 * The ways an inbound AS2 message or MDN can fail, named by the MDN disposition modifier
 * they map to (RFC 4130 §7.4.3; decompression-failed from RFC 5402 §4, as mendelson and pyas2
 * answer it), each with a reason a person can act on.
 */
export type As2Disposition = 'decryption-failed' | 'authentication-failed' | 'integrity-check-failed' | 'decompression-failed' | 'unexpected-processing-error';

export class As2Failure extends Error {
  readonly disposition: As2Disposition;

  constructor(disposition: As2Disposition, reason: string) {
    super(reason);
    this.name = 'As2Failure';
    this.disposition = disposition;
  }
}

export function isAs2Failure(error: unknown): error is As2Failure {
  return error instanceof As2Failure;
}
