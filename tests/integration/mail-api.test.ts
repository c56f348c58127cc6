// Mail through an HTTP mail API (MAIL_TRANSPORT=http, the transport for Cloudflare Workers, in
// Resend's JSON shape) to a real HTTP receiver on loopback: a recall's notices, queued with the
// release and sent by the mail sender as the server runs it, arrive with their fields and the
// notice PDFs byte for byte; a refused request is retried with the same Idempotency-Key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.ts';
import { seedDemo } from '../../shared/demo/seed-demo.ts';
import { receiveErpEvent } from '../../shared/erp/receive-erp-event.ts';
import { createLogger } from '../../shared/log.ts';
import { createMailSender } from '../../shared/mail/mail-sender.ts';
import { createMailTransport } from '../../shared/mail/mail-transport.ts';
import type { MailAttachmentRef } from '../../shared/mail/queue-mail.ts';
import { renderRecallAttachment } from '../../shared/recalls/render-recall-attachment.ts';
import { sendRecallNotices } from '../../shared/recalls/send-recall-notices.ts';
import { actorFor } from '../support/actors.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { answerWith, startHttpReceiver, type HttpReceiver } from '../support/http-receiver.ts';
import { withMailText } from '../support/mail.ts';
import { pdfText } from '../support/pdf-text.ts';

const token = 're_test_4f1b2c3d5e6f7a8b9c0d';
const infusionSet = '09506000134352';

interface ApiMail {
  from: string;
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
  attachments: { filename: string; content: string; content_type: string }[];
}

describe('mail through an HTTP mail API', () => {
  let t: TestDatabase;
  let api: HttpReceiver;
  let recallId: string;

  beforeAll(async () => {
    api = await startHttpReceiver();
    t = await testDatabase();
    await seedDemo(t.ctx);
    let n = 0;
    const erp = (type: string, data: Record<string, unknown>) =>
      receiveErpEvent(t.ctx, { webhookId: `msg_api_${++n}`, sentAt: Math.floor(t.clock.now().getTime() / 1000), body: { type, timestamp: t.clock.now().toISOString(), data } });
    await erp('shipment.dispatched', { shipmentNumber: 'SH-API-1', distributor: { erpId: 'C-20001' }, dispatchedAt: '2026-02-10T08:00:00Z', lines: [{ gtin: infusionSet, lot: 'L-A', quantity: 100 }] });
    await erp('recall.issued', {
      recallNumber: 'FSCA-2026-301',
      issuedAt: t.clock.now().toISOString(),
      reason: 'Roller clamp may leak',
      hazard: 'Under-infusion',
      classifications: [{ jurisdiction: 'EU-MDR', type: 'fsca', class: 'other' }],
      instructions: [{ action: 'quarantine' }, { action: 'return' }],
      products: [{ gtin: infusionSet, lots: ['L-A'] }],
      responseDeadline: '2026-03-12',
    });
    recallId = (await t.db.get<{ id: string }>("SELECT id FROM recalls WHERE recall_number = 'FSCA-2026-301'"))!.id;
    await sendRecallNotices(t.ctx, await actorFor(t.db, 'qa@meridian-medical.example'), { recallId, portalUrl: 'http://portal.test' });
  });

  afterAll(async () => {
    t?.close();
    await api?.close();
  });

  const sender = () => {
    const config = loadConfig({ MAIL_TRANSPORT: 'http', MAIL_API_URL: `${api.url}/emails`, MAIL_API_TOKEN: token, MAIL_FROM: 'Meridian Medical <no-reply@meridian-medical.example>' });
    return createMailSender({
      db: t.db,
      clock: t.clock,
      log: createLogger('error'),
      transport: createMailTransport(config.mail),
      from: config.mail.from,
      renderAttachment: (a) => renderRecallAttachment(t.db, a),
    });
  };

  it('a refused request stays queued with the API answer; the retry sends the same message with the same Idempotency-Key', async () => {
    api.answer(answerWith(503, '{"name":"service_unavailable","message":"try again"}'));
    const mails = await t.db.all<{ id: string; state: string }>("SELECT id, state FROM mail_messages WHERE purpose = 'recall.notice'");
    expect(mails.length).toBeGreaterThan(0);
    const first = sender();
    await first.flush();
    await first.stop();
    const refused = await t.db.all<{ id: string; state: string; attempts: number; last_error: string }>("SELECT id, state, attempts, last_error FROM mail_messages WHERE purpose = 'recall.notice'");
    expect(refused.map((m) => [m.state, m.attempts, m.last_error])).toEqual(mails.map(() => ['queued', 1, 'the mail API answered HTTP 503: {"name":"service_unavailable","message":"try again"}']));
    expect(api.received.map((r) => r.headers['idempotency-key']).sort()).toEqual(mails.map((m) => m.id).sort());

    api.answer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `re_${req.headers['idempotency-key']}` })));
    t.clock.advance(61_000);
    const second = sender();
    await second.flush();
    await second.stop();
    const retried = api.received.slice(mails.length);
    expect(retried.map((r) => r.headers['idempotency-key']).sort()).toEqual(mails.map((m) => m.id).sort());
    const sent = await t.db.all<{ id: string; state: string; attempts: number; smtp_message_id: string }>("SELECT id, state, attempts, smtp_message_id FROM mail_messages WHERE purpose = 'recall.notice'");
    expect(sent.map((m) => [m.state, m.attempts, m.smtp_message_id])).toEqual(mails.map((m) => ['sent', 2, `re_${m.id}`]));
  });

  it('arrives as the API takes it: token, sender, recipient, subject, text, and the notice PDFs byte for byte', async () => {
    const rows = withMailText(
      t.db,
      await t.db.all<{ id: string; to_address: string; cc_addresses: string; subject: string; text_body: string; attachments: string }>(
        "SELECT id, to_address, cc_addresses, subject, text_body, attachments FROM mail_messages WHERE purpose = 'recall.notice'",
      ),
    );
    const delivered = api.received.filter((r) => r.headers['idempotency-key'] && rows.some((m) => m.id === r.headers['idempotency-key'])).slice(-rows.length);
    for (const row of rows) {
      const request = delivered.find((r) => r.headers['idempotency-key'] === row.id)!;
      expect(request).toMatchObject({ method: 'POST', path: '/emails', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
      const body = JSON.parse(request.body.toString('utf8')) as ApiMail;
      expect(body.from).toBe('Meridian Medical <no-reply@meridian-medical.example>');
      expect(body.to).toEqual([row.to_address]);
      expect(body.cc ?? []).toEqual(JSON.parse(row.cc_addresses));
      expect(body.subject).toBe(row.subject);
      expect(body.text).toBe(row.text_body);
      expect(body.text).toMatch(/http:\/\/portal\.test\/notices\/rnt_/);
      const refs = JSON.parse(row.attachments) as MailAttachmentRef[];
      expect(refs.length).toBeGreaterThan(0);
      expect(body.attachments).toHaveLength(refs.length);
      for (const [i, ref] of refs.entries()) {
        const expected = await renderRecallAttachment(t.db, ref);
        const got = body.attachments[i]!;
        expect(got.filename).toBe(expected.filename);
        expect(got.filename).toMatch(/^field-safety-notice-FSCA-2026-301-[a-zA-Z-]+\.pdf$/);
        expect(got.content_type).toBe('application/pdf');
        const bytes = Buffer.from(got.content, 'base64');
        expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
        expect(pdfText(bytes)).toContain('FSCA-2026-301');
        expect(bytes.equals(expected.content)).toBe(true);
      }
    }
  });
});
