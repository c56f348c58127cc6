// Records submitted through the real use cases, for tests that need some to exist.
import type { Actor } from '../../shared/auth/actor.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import { LocalFileStorage } from '../../shared/files/local-file-storage.ts';
import { submitCertificate } from '../../shared/certificates/submit-certificate.ts';
import type { CertificateType } from '../../shared/certificates/certificate.ts';
import type { InvoiceSubmission } from '../../shared/invoices/submit-invoice.ts';
import { pdfBytes } from './uploads.ts';

export const testIssuer = 'TÜV SÜD Product Service GmbH (0123)';

/** Submits a certificate (a one-page PDF, kept in the local folder `uploadDir`) through submitCertificate; returns its id, series and record hash. */
export async function submitTestCertificate(
  ctx: UseCaseContext,
  actor: Actor,
  uploadDir: string,
  fields: { number: string; validTo: string; validFrom?: string; type?: CertificateType; replacesSeriesId?: string },
): Promise<{ id: string; seriesId: string; recordHash: string }> {
  const c = await submitCertificate({ ...ctx, files: new LocalFileStorage(uploadDir) }, actor, { maxBytes: 1024 * 1024 }, {
    type: fields.type ?? 'iso13485',
    number: fields.number,
    issuer: testIssuer,
    scope: 'Design and manufacture of precision-moulded components',
    validFrom: fields.validFrom ?? '2025-01-01',
    validTo: fields.validTo,
    file: { name: `${fields.number}.pdf`, bytes: await pdfBytes(fields.number) },
    replacesSeriesId: fields.replacesSeriesId,
  });
  return { id: c.id, seriesId: c.seriesId, recordHash: c.recordHash };
}

/** An invoice of `quantity` units at 2.00 EUR, tax free, of line 1 of a purchase order. */
export function invoiceOfLine(number: string, purchaseOrder: string, gtin: string, quantity: number, dates: { invoiceDate: string; dueDate: string }): InvoiceSubmission {
  const net = (quantity * 2).toFixed(2);
  return {
    number,
    ...dates,
    currency: 'EUR',
    purchaseOrder,
    lines: [{ poLine: 1, gtin, quantity: String(quantity), unitPrice: '2.00', taxRate: '0', lineNet: net }],
    netTotal: net,
    taxTotal: '0.00',
    grossTotal: net,
  };
}
