import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { findEventType } from '../events/catalogue.ts';
import { partnerEventTypes, partnerPing, partnerWebhookBody } from './partner-events.ts';

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajv);
const docs = join(import.meta.dirname, '../../docs/events');

/** The example the ERP's catalogue page gives for an outbound type: what the outbox holds for it. */
function erpExample(type: string): { occurred_at: string; payload: string } {
  const page = readFileSync(join(docs, `${type}.md`), 'utf8');
  const body = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(page)![1]!) as { timestamp: string; data: Record<string, unknown> };
  return { occurred_at: body.timestamp, payload: JSON.stringify(body.data) };
}

describe('partner events', () => {
  it.each([...partnerEventTypes, partnerPing].map((e) => [e.type, e] as const))('%s: its example validates against its schema', (_, e) => {
    const validate = ajv.compile(e.schema);
    expect(validate(e.example), JSON.stringify(validate.errors)).toBe(true);
  });

  // invoice.status_changed and the distributor's recall.notice_revised are written for partners
  // in their partner shape (enqueue-partner-events.ts); every other one is the ERP's event, projected.
  const projected = partnerEventTypes.filter((e) => findEventType(e.type, 'outbound') && e.type !== 'recall.notice_revised');

  it.each(projected.map((e) => [e.type, e] as const))("%s: the ERP's event projects to a valid partner view without the manufacturer's own data", (type, e) => {
    const body = JSON.parse(partnerWebhookBody({ event_type: type, ...erpExample(type) })) as { type: string; data: Record<string, unknown> };
    expect(body.type).toBe(type);
    const validate = ajv.compile(e.schema);
    expect(validate(body.data), JSON.stringify(validate.errors)).toBe(true);
    expect(JSON.stringify(body.data)).not.toMatch(/"(erpId|recordHash|signature|signerName|aggregate|supplier|distributor|recipients|sentTo|consignees|as2|method)"/);
  });

  it('a type routing never sends a partner leaves with empty data', () => {
    expect(JSON.parse(partnerWebhookBody({ event_type: 'certificate.submitted', ...erpExample('certificate.submitted') })).data).toEqual({});
  });

  it('the audiences: suppliers hear of certificates, invoices and the inspection of their lots, distributors of recall notices', () => {
    expect(partnerEventTypes.map((e) => `${e.audience} ${e.type}`)).toEqual([
      'supplier certificate.approved',
      'supplier certificate.rejected',
      'supplier certificate.expiring',
      'supplier certificate.expired',
      'supplier invoice.status_changed',
      'supplier lot.released',
      'supplier lot.rejected',
      'distributor recall.notice_sent',
      'distributor recall.notice_revised',
      'distributor recall.reminder_sent',
    ]);
  });
});
