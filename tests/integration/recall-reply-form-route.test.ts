// The reply page's MDCG 2023-3 answers over the real server: a refusal puts each problem next
// to its field in the reader's language (German too); a serial-tracked line answered by its
// serials, the counts left blank, is recorded with the counts the lists give; a question shows
// on QA's recall page. Signed out, a supplier and another distributor are refused the post.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import { receiveErpEvent } from '../../shared/erp/receive-erp-event.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { sendRecallNotices } from '../../shared/recalls/send-recall-notices.ts';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import type { RunningServer } from '../support/server.ts';
import { BrowserClient, openServerDb, signInDirectly, startBuiltServer } from '../support/portal.ts';
import { actorFor } from '../support/actors.ts';

const infusionSet = '09506000134352';
const catheter = '09506000134369';

describe('the reply form’s MDCG 2023-3 answers', () => {
  let server: RunningServer;
  let db: Db;
  let ctx: UseCaseContext;
  let recallId: string;
  const as: Record<'qa' | 'distributor' | 'alpen' | 'supplier', BrowserClient> = {} as never;
  const replies = async () => (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM recall_acknowledgements WHERE recall_id = ?', [recallId]))!.n;

  // Lot L-1 (20 shipped) and three catheters without a lot, by serial.
  const form = (over: Record<string, string> = {}): Record<string, string> => ({
    holdsStock: 'yes',
    'lot.0.gtin': infusionSet,
    'lot.0.lot': 'L-1',
    'lot.0.received': '20',
    'lot.0.onHand': '20',
    'lot.0.quarantined': '20',
    'lot.0.returned': '0',
    'lot.0.destroyed': '0',
    'lot.0.corrected': '0',
    'lot.1.gtin': catheter,
    'lot.1.lot': '',
    'lot.1.received': '3',
    'lot.1.serials.onHand': 'SN-7',
    'lot.1.serials.quarantined': 'SN-7',
    'lot.1.serials.returned': 'SN-8, SN-9',
    actionsCompleted: 'no',
    customersInformed: 'not_applicable',
    contactRequested: 'yes',
    question: 'Who collects the returned catheters?',
    signerFunction: 'Warehouse manager',
    signerPhone: '+49 221 555 0100',
    understood: 'yes',
    password: demoPassword,
    ...over,
  });

  beforeAll(async () => {
    server = await startBuiltServer();
    db = openServerDb(server);
    ctx = { db, clock: systemClock, policy: defaultPolicy };
    const alpen = (await createOrganisation(ctx, { type: 'system', name: 'test' }, { name: 'Alpen Medizintechnik AG', kind: 'distributor', erpId: 'C-20002' })).id;
    await addUser(ctx, { type: 'system', name: 'test' }, { email: 'user@alpen-med.example', displayName: 'Heidi Frei', password: 'alpen-user-password', organisationId: alpen, role: 'distributor_user' });
    const emails = { qa: 'qa@meridian-medical.example', distributor: 'distributor@rhein-medical.example', alpen: 'user@alpen-med.example', supplier: 'supplier@suzhou-precision.example' };
    for (const [who, email] of Object.entries(emails) as [keyof typeof emails, string][]) {
      as[who] = new BrowserClient(server.url);
      await signInDirectly(as[who], db, email);
    }
    const now = new Date();
    const send = async (id: string, type: string, data: unknown) =>
      (await receiveErpEvent(ctx, { webhookId: id, sentAt: Math.floor(now.getTime() / 1000), body: { type, timestamp: now.toISOString(), data } })).outcome as { recall: string };
    await send('msg_rfr_1', 'shipment.dispatched', {
      shipmentNumber: 'SH-RFR-1',
      distributor: { erpId: 'C-20001' },
      dispatchedAt: '2026-02-10T08:00:00Z',
      lines: [
        { gtin: infusionSet, lot: 'L-1', quantity: 20 },
        { gtin: catheter, serials: ['SN-7', 'SN-8', 'SN-9'], quantity: 3 },
      ],
    });
    recallId = (
      await send('msg_rfr_2', 'recall.issued', {
        recallNumber: 'FSCA-RFR-1',
        issuedAt: now.toISOString(),
        reason: 'Roller clamp may leak',
        hazard: 'Air embolism',
        products: [
          { gtin: infusionSet, lots: ['L-1'] },
          { gtin: catheter, serials: ['SN-7', 'SN-8', 'SN-9'] },
        ],
        responseDeadline: new Date(now.getTime() + 10 * 86_400_000).toISOString().slice(0, 10),
      })
    ).recall;
    await sendRecallNotices(ctx, await actorFor(db, emails.qa), { recallId, portalUrl: server.url });
  });

  afterAll(async () => {
    db?.close();
    await server?.stop();
  });

  it('offers the serials shipped on the serial-tracked line and the new questions', async () => {
    const html = await (await as.distributor.get(`/recalls/${recallId}/reply`)).text();
    expect(html).toContain('Serials shipped to you: SN-7, SN-8, SN-9.');
    expect(html).toContain('name="lot.1.serials.returned"');
    expect(html).not.toContain('name="lot.0.serials.returned"');
    for (const name of ['lot.0.corrected', 'actionsCompleted', 'customersInformed', 'contactRequested', 'signerFunction', 'signerPhone']) expect(html).toContain(`name="${name}"`);
  });

  it('a refusal words each problem next to its field, in English and in German', async () => {
    const bad = form({ signerFunction: '', signerPhone: 'ring me', actionsCompleted: '', 'lot.1.serials.destroyed': 'SN-1' });
    const refused = await as.distributor.postForm(`/recalls/${recallId}/reply`, bad);
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(html).toContain('id="signerFunction-problem" data-problem="replyForm.functionRequired">Enter your function (job title).');
    expect(html).toContain('id="signerPhone-problem" data-problem="replyForm.phoneInvalid">');
    expect(html).toContain('data-problem="replyForm.actionsCompletedRequired">Say whether all actions are completed.');
    expect(html).toContain('id="lot-1-serials-destroyed-problem" data-problem="replyForm.serialUnknown">Not shipped to you on this line: SN-1.');
    // What was typed stays (the question, the serials), never the password.
    expect(html).toContain('Who collects the returned catheters?');
    expect(html).not.toContain(demoPassword);

    as.distributor.cookies.set('lang', 'de');
    const de = await (await as.distributor.postForm(`/recalls/${recallId}/reply`, bad)).text();
    expect(de).toContain('Geben Sie Ihre Funktion (Stellenbezeichnung) an.');
    expect(de).toContain('Auf dieser Zeile nicht an Sie geliefert: SN-1.');
    as.distributor.cookies.delete('lang');
    expect(await replies()).toBe(0);
  });

  it('signed out, a supplier and another distributor cannot post a reply', async () => {
    const anonymous = new BrowserClient(server.url);
    const out = await anonymous.postForm(`/recalls/${recallId}/reply`, form());
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toContain('/login');
    expect((await as.supplier.postForm(`/recalls/${recallId}/reply`, form())).status).toBe(403);
    expect((await as.alpen.postForm(`/recalls/${recallId}/reply`, form({ password: 'alpen-user-password' }))).status).toBe(404);
    expect(await replies()).toBe(0);
    expect(await db.get("SELECT COUNT(*) AS n FROM mail_messages WHERE purpose = 'recall.question'")).toEqual({ n: 0 });
  });

  it('serials with their counts left blank are recorded with the counts the lists give; QA sees the question on the recall page', async () => {
    const signed = await as.distributor.postForm(`/recalls/${recallId}/reply`, form());
    expect(signed.status).toBe(303);
    const lot = await db.get<{ on_hand: number; quarantined: number; returned: number; destroyed: number; corrected: number; serials: string }>(
      `SELECT l.on_hand, l.quarantined, l.returned, l.destroyed, l.corrected, l.serials FROM recall_acknowledgement_lots l JOIN recall_acknowledgements a ON a.id = l.acknowledgement_id
        WHERE a.recall_id = ? AND l.lot IS NULL`,
      [recallId],
    );
    expect(lot).toEqual({ on_hand: 1, quarantined: 1, returned: 2, destroyed: 0, corrected: 0, serials: JSON.stringify({ onHand: ['SN-7'], quarantined: ['SN-7'], returned: ['SN-8', 'SN-9'], destroyed: [], corrected: [] }) });
    expect(await db.get('SELECT signer_function, signer_phone, contact_requested, question FROM recall_acknowledgements WHERE recall_id = ?', [recallId])).toEqual({
      signer_function: 'Warehouse manager',
      signer_phone: '+49 221 555 0100',
      contact_requested: 1,
      question: 'Who collects the returned catheters?',
    });
    const page = await (await as.qa.get(`/recalls/${recallId}`)).text();
    expect(page).toMatch(/data-testid="reply-question"[^>]*>.*Asks to be contacted.*Who collects the returned catheters\?/s);
    expect(page).toContain('Signer: Warehouse manager · +49 221 555 0100');
    // The correction starts from the reply on record: its serials and the signer's details.
    const again = await (await as.distributor.get(`/recalls/${recallId}/reply`)).text();
    expect(again).toMatch(/name="lot\.1\.serials\.returned"[^>]*>SN-8\nSN-9</);
    expect(again).toContain('value="+49 221 555 0100"');
  });
});
