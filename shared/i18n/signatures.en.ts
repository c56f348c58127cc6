/** English messages of electronic signatures: why a signature was refused (spread into en.ts; zh-CN has the same keys). */
export const signaturesEn = {
  'signatures.problem.passwordRequired': 'Enter your password to sign.',
  'signatures.problem.wrongPassword': 'Wrong password.',
} as const;
