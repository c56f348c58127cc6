/**
 * English texts of a lot inspection's attachments and of signing supplier quality decisions (the
 * approved supplier list, the lot inspection) with a passkey (issue 18; spread into en.ts).
 */
export const qualityReleaseEn = {
  'qualityRelease.attachments': 'Attachments',
  'qualityRelease.attachments.hint': 'Photos, measurement reports and other records of the inspection: PDF, PNG, JPEG or CSV, at most {count} files of {max} MB each. Their checksums are part of what you sign.',
  'qualityRelease.attachments.caption': 'Files attached to the decision',
  'qualityRelease.attachments.name': 'File',
  'qualityRelease.attachments.size': 'Size',
  'qualityRelease.attachments.kb': '{kb} KB',
  'qualityRelease.attachments.download': 'Download {name}',
  'qualityRelease.problem.tooManyFiles': 'Attach at most {max} files.',
  'files.problem.notAttachment': 'This file is not a PDF, a PNG or JPEG photo or a CSV table (judged by its content, not its name).',
  'qualityRelease.orPasskey': 'Or sign with a passkey instead of the password:',
  'qualityRelease.signWithPasskey': 'Sign with passkey',
  'qualityRelease.passkeyFailed': 'The passkey signature did not complete: {reason}',
} as const;
