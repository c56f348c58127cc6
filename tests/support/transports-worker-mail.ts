// The message tests/support/transports-worker.ts sends on workerd, and its test checks on arrival.
import type { ComposedMail } from '../../shared/mail/mail-transport.ts';

export const pdfBytes = [0x25, 0x50, 0x44, 0x46, 0x2d, 0x00, 0xff, 0x80];

export const workerMail: ComposedMail = {
  id: 'mail_workerd1',
  from: 'Meridian Medical – Lotbridge <no-reply@meridian.example>',
  to: 'recall@alpen.example',
  cc: ['qa@alpen.example'],
  subject: '现场安全通知 FSCA-2026-101: Rollenklemme kann undicht sein',
  text: 'Bitte Charge L-A sperren.\n请隔离批次 L-A。',
  attachments: [{ filename: 'field-safety-notice-FSCA-2026-101-en.pdf', content: new Uint8Array(pdfBytes), contentType: 'application/pdf' }],
};
