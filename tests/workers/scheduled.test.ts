// A Cron Trigger's run of the real Worker on workerd: one background pass in its Durable Object
// (L's createBackgroundWork().runOnce()), here finding a certificate 20 days from expiry and
// sending its reminder through the HTTP mail API (the recorder answers as the API would).
import { createScheduledController, env, runDurableObjectAlarm } from 'cloudflare:test';
import worker from '../../workers/index.ts';
import { describe, expect, it } from 'vitest';
import { approveCertificate } from '../../shared/certificates/approve-certificate.ts';
import { demoPassword, demoUsers } from '../../shared/demo/seed-demo.ts';
import { actorFor } from '../support/actors.ts';
import { pdfBytes, postMultipart } from '../support/uploads.ts';
import { browser, inLotbridge, origin, recordedRequests } from '../support/workers.ts';
import { workerTestVars } from '../support/workers-env.ts';

const supplier = demoUsers.find((u) => u.role === 'supplier_user')!;
const qa = demoUsers.find((u) => u.role === 'manufacturer_qa')!;
const rp = { id: 'lotbridge.test', name: 'Lotbridge', origin };

describe('the Worker on a schedule', () => {
  it("sends a certificate's expiry reminder through the mail API from a Cron Trigger's run", async () => {
    const client = browser();
    expect((await client.signIn(supplier.email, demoPassword)).status).toBe(303);
    const validTo = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
    const fields = { type: 'iso13485', number: 'SX EXPIRING 1', issuer: 'TÜV SÜD Product Service GmbH (0123)', scope: 'Precision-moulded components', gtins: '09506000134352', lots: 'L1', validFrom: '2024-01-01', validTo };
    const res = await postMultipart(client, '/certificates?/submit', fields, { name: 'expiring.pdf', bytes: await pdfBytes('expiring') });
    expect(res.status).toBe(303);
    const id = res.headers.get('location')!.match(/^\/certificates\/(cer_[a-z2-7]+)\?submitted=1$/)![1]!;
    // The submission set the object's alarm (BACKGROUND_DELAY_SECONDS ahead): run it now, while the
    // certificate is not approved yet, so that only the scheduled run below can remind.
    expect(await runDurableObjectAlarm(env.LOTBRIDGE.get(env.LOTBRIDGE.idFromName('lotbridge')))).toBe(true);
    await inLotbridge(async (app) => {
      const { record_hash } = (await app.db.get<{ record_hash: string }>('SELECT record_hash FROM certificates WHERE id = ?', [id]))!;
      await approveCertificate(app, await actorFor(app.db, qa.email), rp, { certificateId: id, recordHash: record_hash, credential: { password: demoPassword } });
    });
    const mailsToApi = async () => (await recordedRequests()).filter((r) => r.url === workerTestVars.MAIL_API_URL);
    const before = (await mailsToApi()).length;

    await worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: '* * * * *' }), env);

    const sent = (await mailsToApi()).slice(before).map((r) => ({ authorization: r.headers.authorization, ...(JSON.parse(r.body) as { to: string[]; subject: string; text: string }) }));
    const reminder = sent.find((m) => m.text.includes('SX EXPIRING 1'));
    expect(reminder).toMatchObject({ authorization: `Bearer ${workerTestVars.MAIL_API_TOKEN}`, to: [supplier.email] });
    await inLotbridge(async ({ db }) => {
      expect(await db.all("SELECT state FROM mail_messages WHERE purpose = 'certificate.expiry_reminder' AND entity_id = ?", [id])).toEqual([{ state: 'sent' }]);
    });
  });
});
