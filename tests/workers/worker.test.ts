// The real Worker (workers/index.ts) on workerd with wrangler.toml's bindings, locally: its
// Durable Object holds the database and runs the portal and the gateway, as deployed.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../shared/audit/verify-audit-chain.ts';
import { gtinCheckDigit } from '../../shared/gs1/gtin.ts';
import { postErpEvent } from '../support/erp.ts';
import { pdfBytes, postMultipart } from '../support/uploads.ts';
import { demoOrganisations, demoPassword, demoUsers } from '../../shared/demo/seed-demo.ts';
import { erpSecret } from '../support/workers-env.ts';
import { browser, inLotbridge, origin, worker } from '../support/workers.ts';
import { generateIdentityKey } from '../../shared/edi/identity/generate-identity-key.ts';
import { loadAs2Keys } from '../../shared/edi/identity/load-as2-keys.ts';
import { addPartner } from '../../shared/edi/partners/add-partner.ts';
import { loadCertificate, loadKeyPair, parseMdn, wrapAs2 } from '../../shared/as2/index.ts';
import { createTestApiKey } from '../support/api-keys.ts';

const supplier = demoUsers.find((u) => u.role === 'supplier_user')!;
const gtinFrom = (first13: string) => first13 + gtinCheckDigit(first13);

describe('the Worker', () => {
  it('answers /healthz from the gateway, with the database behind it', async () => {
    const res = await worker.fetch(`${origin}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });

  it('answers the REST API: GET /api/v1/me with a key, validated by the validators compiled ahead of time', async () => {
    const key = await inLotbridge((app) => createTestApiKey(app, supplier.email, { name: 'on workerd', scopes: ['lots:read'] }));
    const res = await worker.fetch(`${origin}/api/v1/me?unexpected=1`, { headers: { Authorization: `Bearer ${key.token}` } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errors: [{ parameter: 'unexpected', in: 'query', code: 'api.unknownParameter' }] });
    const me = await worker.fetch(`${origin}/api/v1/me`, { headers: { Authorization: `Bearer ${key.token}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ organisation: { kind: 'supplier' }, apiKey: { name: 'on workerd', scopes: ['lots:read'] } });
    expect((await worker.fetch(`${origin}/api/v1/openapi.json`)).status).toBe(200);
  });

  it('applies and audits 20 concurrent ERP events, the audit chain intact', async () => {
    const gtins = Array.from({ length: 20 }, (_, i) => {
      return gtinFrom(`095060002${String(i).padStart(4, '0')}`);
    });
    const answers = await Promise.all(gtins.map((gtin, i) => postErpEvent(worker, erpSecret, 'item.upserted', { gtin, description: `Catheter ${i}`, unitOfMeasure: 'EA' })));
    expect(answers.map((a) => [a.status, a.body.duplicate])).toEqual(gtins.map(() => [200, false]));
    await inLotbridge(async ({ db }) => {
      const placeholders = gtins.map(() => '?').join(', ');
      expect((await db.get<{ n: number }>(`SELECT count(*) AS n FROM items WHERE gtin IN (${placeholders})`, gtins))!.n).toBe(20);
      const audited = await db.all<{ entity_id: string }>(`SELECT entity_id FROM audit_log WHERE action = 'item.created' AND entity_id IN (${placeholders})`, gtins);
      expect(audited).toHaveLength(20);
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
    });
  });

  it('signs the demo supplier in with its password (argon2id on workerd) and refuses a wrong one [REQ-P11-PWD-01]', async () => {
    const wrong = browser();
    const refused = await wrong.signIn(supplier.email, 'not-the-password');
    expect(refused.status).toBe(401);
    expect(wrong.cookies.size).toBe(0);

    const client = browser();
    const res = await client.signIn(supplier.email, demoPassword);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/home');
    const home = await client.get('/home');
    expect(home.status).toBe(200);
    expect(await home.text()).toContain(supplier.displayName);
  });

  it("takes a lot submitted through the portal's form, stored and audited for the supplier", async () => {
    const gtin = gtinFrom('0950600031000');
    expect((await postErpEvent(worker, erpSecret, 'item.upserted', { gtin, description: 'Guide wire', unitOfMeasure: 'EA' })).status).toBe(200);
    const client = browser();
    expect((await client.signIn(supplier.email, demoPassword)).status).toBe(303);
    const res = await postMultipart(client, '/lots?/submit', { gtin, lot: 'W-LOT-1', quantity: '5' });
    expect(res.status).toBe(303);
    const id = res.headers.get('location')!.match(/^\/lots\/([^?]+)\?submitted=1$/)![1]!;
    const page = await client.get(`/lots/${id}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('W-LOT-1');
    await inLotbridge(async ({ db }) => {
      const lot = await db.get<{ gtin: string; lot: string; organisation_id: string; name: string }>(
        'SELECT l.gtin, l.lot, l.organisation_id, o.name FROM lots l JOIN organisations o ON o.id = l.organisation_id WHERE l.id = ?',
        [id],
      );
      expect(lot).toMatchObject({ gtin, lot: 'W-LOT-1', name: demoOrganisations.supplier.name });
      expect(await db.all("SELECT seq FROM audit_log WHERE action = 'lot.submitted' AND entity_id = ?", [id])).toHaveLength(1);
    });
  });

  it('takes a lot and a certificate PDF through the REST API, the PDF kept in R2 and handed back as it was', async () => {
    const gtin = gtinFrom('0950600031700');
    expect((await postErpEvent(worker, erpSecret, 'item.upserted', { gtin, description: 'Guide wire', unitOfMeasure: 'EA' })).status).toBe(200);
    const key = await inLotbridge((app) => createTestApiKey(app, supplier.email, { name: 'lots on workerd', scopes: ['lots:write', 'certificates:write'] }));
    const auth = { Authorization: `Bearer ${key.token}` };
    const lot = await worker.fetch(`${origin}/api/v1/lots`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ lots: [{ gtin, lot: 'W-API-1', quantity: 5 }] }) });
    expect(lot.status).toBe(201);
    const { lots } = (await lot.json()) as { lots: { id: string; source: string }[] };
    expect(lots).toMatchObject([{ source: 'api' }]);
    await inLotbridge(async ({ db }) => expect(await db.get('SELECT source, submitted_by FROM lots WHERE id = ?', [lots[0]!.id])).toEqual({ source: 'api', submitted_by: key.userId }));

    const bytes = await pdfBytes('CoC through the API on Workers');
    const form = new FormData();
    for (const [k, v] of Object.entries({ type: 'coc', number: 'COC-W-API-1', issuer: 'QA', scope: 'Guide wires', validFrom: '2026-03-01', validTo: '2027-02-28' })) form.set(k, v);
    form.set('file', new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/pdf' }), 'coc.pdf');
    const created = await worker.fetch(`${origin}/api/v1/certificates`, { method: 'POST', headers: auth, body: form });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const file = await worker.fetch(`${origin}/api/v1/certificates/${id}/file`, { headers: auth });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(bytes);
  });

  it('keeps a certificate PDF in the R2 bucket and hands the same bytes back', async () => {
    const client = browser();
    expect((await client.signIn(supplier.email, demoPassword)).status).toBe(303);
    const bytes = await pdfBytes('ISO 13485 certificate on Workers');
    const fields = { type: 'iso13485', number: 'SX WORKERS 1', issuer: 'TÜV SÜD Product Service GmbH (0123)', scope: 'Precision-moulded components', gtins: gtinFrom('0950600013435'), lots: 'L1', validFrom: '2026-03-01', validTo: '2029-02-28' };
    const res = await postMultipart(client, '/certificates?/submit', fields, { name: 'iso13485.pdf', bytes });
    expect(res.status).toBe(303);
    const id = res.headers.get('location')!.match(/^\/certificates\/(cer_[a-z2-7]+)\?submitted=1$/)![1]!;

    const key = await inLotbridge(async ({ db }) => (await db.get<{ storage_key: string }>('SELECT f.storage_key FROM certificates c JOIN stored_files f ON f.id = c.file_id WHERE c.id = ?', [id]))!.storage_key);
    const inBucket = await env.FILES.get(key);
    expect(inBucket).not.toBeNull();
    expect(new Uint8Array(await inBucket!.arrayBuffer())).toEqual(bytes);

    const file = await client.get(`/certificates/${id}/file`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(bytes);
  });

  it("counts a refused AS2 request under the client's address (cf-connecting-ip, which Cloudflare sets), not under one 'unknown' for every sender", async () => {
    const refusedFrom = async (address: string) =>
      worker.fetch(`${origin}/as2`, {
        method: 'POST',
        headers: { 'cf-connecting-ip': address, 'as2-version': '1.2', 'as2-from': 'NOBODY-WE-KNOW', 'as2-to': 'LOTBRIDGE', 'message-id': `<${address}@test>`, 'content-type': 'application/pkcs7-mime' },
        body: 'x',
      });
    expect((await refusedFrom('203.0.113.9')).status).toBe(403);
    expect((await refusedFrom('198.51.100.7')).status).toBe(403);
    await inLotbridge(async ({ db }) => {
      const sources = await db.all<{ source: string }>("SELECT source FROM as2_refusals WHERE reason = 'unknown_partner' ORDER BY source");
      expect(sources.map((r) => r.source)).toEqual(['198.51.100.7', '203.0.113.9']);
    });
  });

  it('receives an AS2 message (signed, encrypted) and answers with an MDN signed by our identity, the body kept in the bucket', async () => {
    const partnerAs2Id = 'WORKERS-PARTNER';
    const partner = await generateIdentityKey({ as2Id: partnerAs2Id, organisation: 'Alpen Medizintechnik AG', now: new Date() });
    const ours = await inLotbridge(async (app) => {
      await addPartner(app, { type: 'system', name: 'workers test' }, { name: 'Alpen Medizintechnik AG', kind: 'distributor', as2Id: partnerAs2Id, certificates: [{ fileName: 'partner.pem', data: partner.certificate.pem }] });
      return (await loadAs2Keys(app.db, new Date())).signing!;
    });
    const ourCertificate = loadCertificate(ours.certificatePem);
    const payload = new TextEncoder().encode("UNA:+.? 'UNB+UNOC:3+4012345000009:14+LOTBRIDGE:ZZZ+261125:2318+AS2W1'UNH+1+DESADV:D:96A:UN:EAN005'BGM+351+DES-W1+9'UNT+3+1'UNZ+1+AS2W1'");
    const message = wrapAs2({
      as2From: partnerAs2Id,
      as2To: 'LOTBRIDGE',
      payload,
      filename: 'desadv-w1.edi',
      sign: { keyPair: loadKeyPair(partner.privateKeyPem, partner.certificate.pem), digest: 'sha256' },
      encrypt: { certificates: [ourCertificate] },
      mdn: { to: 'as2@alpen-med.example', signed: true, micAlgorithm: 'sha256' },
    });

    const res = await worker.fetch(`${origin}/as2`, { method: 'POST', headers: message.headers, body: message.body as Uint8Array<ArrayBuffer> });
    expect(res.status).toBe(200);
    const mdn = parseMdn(res.headers, new Uint8Array(await res.arrayBuffer()), { trustedCertificates: [ourCertificate], now: new Date() });
    expect(mdn.signature).toMatchObject({ status: 'verified' });
    expect(mdn.positive).toBe(true);
    expect(mdn.originalMessageId).toBe(message.messageId);
    expect([mdn.receivedContentMic, mdn.micAlgorithm]).toEqual([message.expectedMic.value, 'sha256']);

    const keys = await inLotbridge(async ({ db }) => db.all<{ key: string }>(
      "SELECT raw_storage_key AS key FROM as2_messages WHERE message_id = ?", [message.messageId.replace(/^<|>$/g, '')],
    ));
    expect(keys).toHaveLength(1);
    expect(await env.FILES.head(keys[0]!.key)).not.toBeNull();
  });
});
