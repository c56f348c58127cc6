// QA's bulk actions on an open recall's consignees over the real built server and its SQLite
// file: remind now, send the notice again and escalate now, on the consignees ticked or on
// every one without a reply. Each success queues its mail and writes an audit entry per
// consignee naming QA (escalation also its level and recall.escalated event); each refusal is
// worded next to the consignee it concerns and sends nothing: a consignee that replied, one
// nobody can be mailed at, one without an escalation contact, nothing chosen, a closed recall.
// A supplier is answered as if the recall did not exist (404), a distributor sent to its own
// reply page, the manufacturer's administrator refused (403). The page shows each recipient's delivery as
// the mail queue has it and the notice link's openings. The notice link page says what to do
// (actions, deadline, this distributor's lots) before any sign-in, and its sign-in comes filled
// in with the addressee, taking nothing else from the query.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import type { UseCaseContext } from '../../shared/context.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import { receiveErpEvent } from '../../shared/erp/receive-erp-event.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { sendRecallNotices } from '../../shared/recalls/send-recall-notices.ts';
import { submitAcknowledgement } from '../../shared/recalls/submit-acknowledgement.ts';
import { closeRecall } from '../../shared/recalls/close-recall.ts';
import { openNoticeLink } from '../../shared/recalls/open-notice-link.ts';
import { signNoticeToken } from '../../shared/recalls/notice-link.ts';
import { validateEvent } from '../../shared/events/validate-event.ts';
import { webhookBody } from '../../shared/webhooks/webhook-dispatcher.ts';
import type { RunningServer } from '../support/server.ts';
import { BrowserClient, markup, openServerDb, signedInClients, startBuiltServer } from '../support/portal.ts';
import { actorFor } from '../support/actors.ts';
import { replyForm } from '../support/reply-form.ts';

const infusionSet = '09506000134352';
const rp = { id: 'localhost', name: 'Lotbridge', origin: 'http://localhost:3000' };
const by = { type: 'system' as const, name: 'recall bulk actions test' };
const emails = {
  qa: 'qa@meridian-medical.example',
  admin: 'admin@meridian-medical.example',
  distributor: 'distributor@rhein-medical.example',
  supplier: 'supplier@suzhou-precision.example',
};

describe('bulk actions on a recall’s consignees', () => {
  let server: RunningServer;
  let db: Db;
  let ctx: UseCaseContext;
  let recallId: string;
  const org: Record<'rhein' | 'alpen' | 'nord' | 'silent', string> = {} as never;
  let as: Record<keyof typeof emails, BrowserClient>;

  beforeAll(async () => {
    server = await startBuiltServer();
    db = openServerDb(server);
    ctx = { db, clock: systemClock, policy: defaultPolicy };
    org.rhein = (await db.get<{ id: string }>("SELECT id FROM organisations WHERE erp_id = 'C-20001'"))!.id;
    org.alpen = (await createOrganisation(ctx, by, { name: 'Alpen Medizintechnik AG', kind: 'distributor', erpId: 'C-30002' })).id;
    org.nord = (await createOrganisation(ctx, by, { name: 'Nord Medical AB', kind: 'distributor', erpId: 'C-30003' })).id;
    org.silent = (await createOrganisation(ctx, by, { name: 'Silent Supplies Ltd', kind: 'distributor', erpId: 'C-30004' })).id;
    await db.run("UPDATE organisations SET recall_contact_email = 'recall@alpen-med.example' WHERE id = ?", [org.alpen]);
    await db.run("UPDATE organisations SET recall_contact_email = 'recall@nord-med.example', escalation_contact_email = 'ceo@nord-med.example' WHERE id = ?", [org.nord]);

    const now = new Date();
    const send = async (id: string, type: string, data: unknown) =>
      (await receiveErpEvent(ctx, { webhookId: id, sentAt: Math.floor(now.getTime() / 1000), body: { type, timestamp: now.toISOString(), data } })).outcome as { recall: string };
    for (const [i, erpId] of ['C-20001', 'C-30002', 'C-30003', 'C-30004'].entries()) {
      await send(`msg_bulk_ship_${i}`, 'shipment.dispatched', {
        shipmentNumber: `SH-BULK-${i}`,
        distributor: { erpId },
        dispatchedAt: '2026-02-10T08:00:00Z',
        lines: [{ gtin: infusionSet, lot: 'B-1', quantity: 10 + i }],
      });
    }
    recallId = (
      await send('msg_bulk_recall', 'recall.issued', {
        recallNumber: 'FSCA-BULK-1',
        issuedAt: now.toISOString(),
        reason: 'Roller clamp may leak',
        hazard: 'Under-infusion',
        products: [{ gtin: infusionSet, lots: ['B-1'] }],
        responseDeadline: new Date(now.getTime() + 10 * 86_400_000).toISOString().slice(0, 10),
      })
    ).recall;
    await sendRecallNotices(ctx, await actorFor(db, emails.qa), { recallId, portalUrl: server.url });
    // Rhein replies; the others stay silent.
    const rheinNotice = (await db.get<{ id: string }>('SELECT id FROM recall_notices WHERE recall_id = ? AND distributor_organisation_id = ?', [recallId, org.rhein]))!;
    await submitAcknowledgement(ctx, await actorFor(db, emails.distributor), rp, {
      noticeId: rheinNotice.id,
      understood: true,
      holdsStock: false,
      lots: [],
      form: replyForm(),
      credential: { password: demoPassword },
      locale: 'en',
    });
    as = await signedInClients(server, db, emails);
  });

  afterAll(async () => {
    db?.close();
    await server?.stop();
  });

  const bulk = async (client: BrowserClient, action: 'remind' | 'resend' | 'escalate', consignees: string[] | 'nonResponders') => {
    const entries: [string, string][] = consignees === 'nonResponders' ? [['scope', 'nonResponders']] : [['scope', 'chosen'], ...consignees.map((c): [string, string] => ['consignee', c])];
    const res = await client.request(`/recalls/${recallId}?/${action}`, { method: 'POST', body: new URLSearchParams(entries), headers: { accept: 'text/html' } });
    return { status: res.status, location: res.headers.get('location'), html: await markup(res) };
  };
  const mailCount = async () => (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM mail_messages'))!.n;
  const auditCount = async () => (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM audit_log'))!.n;
  const noticeOf = async (organisationId: string) =>
    (await db.get<{ id: string; follow_up_level: number; link_expires_at: string }>('SELECT id, follow_up_level, link_expires_at FROM recall_notices WHERE recall_id = ? AND distributor_organisation_id = ?', [recallId, organisationId]))!;

  it('remind now on the consignees ticked: one mail each, audited per consignee as QA, the schedule left as it is', async () => {
    const before = await mailCount();
    const { status, html } = await bulk(as.qa, 'remind', [org.alpen, org.nord]);
    expect(status).toBe(200);
    expect(html).toContain('Reminder sent to 2 consignees (2 e-mails).');
    const mails = await db.all<{ to_address: string; purpose: string; entity_type: string; entity_id: string }>(
      'SELECT to_address, purpose, entity_type, entity_id FROM mail_messages ORDER BY created_at, rowid LIMIT -1 OFFSET ?',
      [before],
    );
    const alpen = await noticeOf(org.alpen);
    const nord = await noticeOf(org.nord);
    expect(mails).toEqual([
      { to_address: 'recall@alpen-med.example', purpose: 'recall.reminder', entity_type: 'recall_follow_up', entity_id: alpen.id },
      { to_address: 'recall@nord-med.example', purpose: 'recall.reminder', entity_type: 'recall_follow_up', entity_id: nord.id },
    ]);
    const audit = await db.all<{ entity_id: string; actor_name: string; new_values: string }>(
      "SELECT entity_id, actor_name, new_values FROM audit_log WHERE action = 'recall.reminder_sent' ORDER BY seq",
    );
    expect(audit.map((a) => [a.entity_id, a.actor_name])).toEqual([
      [alpen.id, 'Dr. Lena Fischer'],
      [nord.id, 'Dr. Lena Fischer'],
    ]);
    expect(JSON.parse(audit[0]!.new_values)).toMatchObject({ kind: 'reminder', byHand: true, to: 'recall@alpen-med.example' });
    expect(alpen.follow_up_level).toBe(0);
  });

  it('refuses, sending nothing, a consignee that replied, one nobody can be mailed at, and an empty choice', async () => {
    const [mails, entries] = [await mailCount(), await auditCount()];
    const replied = await bulk(as.qa, 'remind', [org.rhein, org.alpen]);
    expect(replied.status).toBe(400);
    expect(replied.html).toContain('Nothing was sent.');
    expect(replied.html).toContain('Rhein Medical Distribution GmbH has replied: a consignee that replied is not reminded or escalated.');
    // The refused choice stays ticked.
    expect(replied.html).toMatch(new RegExp(`value="${org.rhein}" checked`));

    const silent = await bulk(as.qa, 'remind', 'nonResponders');
    expect(silent.status).toBe(400);
    expect(silent.html).toContain('Nobody at Silent Supplies Ltd can be e-mailed: reach them another way, or record a recall contact for the organisation.');

    const none = await bulk(as.qa, 'resend', []);
    expect(none.status).toBe(400);
    expect(none.html).toContain('Tick at least one consignee in the table.');

    const stranger = await bulk(as.qa, 'remind', ['org_not_a_consignee']);
    expect(stranger.status).toBe(400);
    expect(stranger.html).toContain('Choose consignees of this recall.');
    expect([await mailCount(), await auditCount()]).toEqual([mails, entries]);
  });

  it('escalate now: the final notice copied to the escalation contact, level 3, audited and posted; refused without an escalation contact [REQ-RCL-FOLLOWUP-01]', async () => {
    const [mails, entries] = [await mailCount(), await auditCount()];
    const refused = await bulk(as.qa, 'escalate', [org.alpen, org.nord]);
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('Alpen Medizintechnik AG has no escalation contact: record one for the organisation first.');
    expect(refused.html).not.toContain('Nord Medical AB has no escalation contact');
    expect([await mailCount(), await auditCount()]).toEqual([mails, entries]);
    expect((await noticeOf(org.nord)).follow_up_level).toBe(0);

    const { status, html } = await bulk(as.qa, 'escalate', [org.nord]);
    expect(status).toBe(200);
    expect(html).toContain('Final notice sent to 1 consignees (1 e-mails); they are escalated.');
    const nord = await noticeOf(org.nord);
    expect(nord.follow_up_level).toBe(3);
    const mail = (await db.get<{ to_address: string; cc_addresses: string; purpose: string }>("SELECT to_address, cc_addresses, purpose FROM mail_messages WHERE purpose = 'recall.final_notice'"))!;
    expect(mail.to_address).toBe('recall@nord-med.example');
    expect(JSON.parse(mail.cc_addresses)).toEqual(['ceo@nord-med.example', 'qa@meridian-medical.example']);
    const audit = (await db.get<{ entity_id: string; actor_name: string; old_values: string; new_values: string }>("SELECT entity_id, actor_name, old_values, new_values FROM audit_log WHERE action = 'recall.escalated'"))!;
    expect(audit.entity_id).toBe(nord.id);
    expect(audit.actor_name).toBe('Dr. Lena Fischer');
    expect(JSON.parse(audit.old_values)).toEqual({ followUpLevel: 0 });
    expect(JSON.parse(audit.new_values)).toMatchObject({ kind: 'final_notice', followUpLevel: 3, passed: ['reminder', 'second_notice'] });
    const event = (await db.get<{ event_type: string; occurred_at: string; payload: string; aggregate_type: string; aggregate_id: string; aggregate_seq: number }>(
      "SELECT event_type, occurred_at, payload, aggregate_type, aggregate_id, aggregate_seq FROM outbox WHERE event_type = 'recall.escalated'",
    ))!;
    // As the ERP receives it, valid against the published schema.
    expect(validateEvent(JSON.parse(webhookBody(event)), 'outbound').data).toMatchObject({ noticeId: nord.id, kind: 'final_notice', level: 3, escalationContactCopied: true, passed: ['reminder', 'second_notice'] });
    const page = await markup(await as.qa.get(`/recalls/${recallId}`));
    expect(page).toMatch(new RegExp(`data-organisation="${org.nord}"[^>]*data-testid="consignee-row"[\\s\\S]*?Escalated`));

    // Once is enough: a second escalation (a double click, a replayed form) sends nothing and posts no second event.
    const [mailsAfter, entriesAfter] = [await mailCount(), await auditCount()];
    const again = await bulk(as.qa, 'escalate', [org.nord]);
    expect(again.status).toBe(400);
    expect(again.html).toContain('Nord Medical AB has been escalated already: its final notice went out.');
    expect([await mailCount(), await auditCount()]).toEqual([mailsAfter, entriesAfter]);
    expect(await db.get("SELECT count(*) AS n FROM outbox WHERE event_type = 'recall.escalated'")).toEqual({ n: 1 });
  });

  it('send the notice again: also to a consignee that replied, with the notice mail and its PDFs, audited', async () => {
    const before = await mailCount();
    const { status, html } = await bulk(as.qa, 'resend', [org.rhein]);
    expect(status).toBe(200);
    expect(html).toContain('Notice sent again to 1 consignees (1 e-mails).');
    const rhein = await noticeOf(org.rhein);
    const mail = (await db.get<{ to_address: string; purpose: string; entity_type: string; entity_id: string; attachments: string; subject: string }>(
      'SELECT to_address, purpose, entity_type, entity_id, attachments, subject FROM mail_messages ORDER BY created_at DESC, rowid DESC LIMIT 1',
    ))!;
    expect(await mailCount()).toBe(before + 1);
    // Rhein reads German: its language first, then the recall's notice languages, as at the release.
    expect(mail).toMatchObject({
      purpose: 'recall.notice',
      entity_type: 'recall_notice',
      entity_id: rhein.id,
      subject: 'DRINGENDE Sicherheitsinformation — Rückruf FSCA-BULK-1 / URGENT field safety notice — recall FSCA-BULK-1 / 紧急现场安全通知 — 召回 FSCA-BULK-1',
    });
    expect(JSON.parse(mail.attachments).map((a: { ref: { locale: string } }) => a.ref.locale)).toEqual(['de', 'en', 'zh-CN']);
    const audit = (await db.get<{ entity_id: string; actor_name: string; new_values: string }>("SELECT entity_id, actor_name, new_values FROM audit_log WHERE action = 'recall.notice_resent'"))!;
    expect(audit).toMatchObject({ entity_id: rhein.id, actor_name: 'Dr. Lena Fischer' });
    expect(JSON.parse(audit.new_values)).toMatchObject({ acknowledged: true });
  });

  it('a supplier gets 404, the manufacturer administrator 403, a distributor its own reply page, anyone signed out the sign-in, and nothing is sent', async () => {
    const [mails, entries] = [await mailCount(), await auditCount()];
    for (const action of ['remind', 'resend', 'escalate'] as const) {
      expect((await bulk(new BrowserClient(server.url), action, 'nonResponders')).location).toMatch(/^\/login/);
      // Refused as not found; the page then sends a distributor's user to its reply, as for any visit.
      expect(await bulk(as.distributor, action, 'nonResponders')).toMatchObject({ status: 303, location: `/recalls/${recallId}/reply` });
      expect((await bulk(as.supplier, action, [org.alpen])).status).toBe(404);
      expect((await bulk(as.admin, action, [org.alpen])).status).toBe(403);
    }
    expect([await mailCount(), await auditCount()]).toEqual([mails, entries]);
  });

  it('shows each recipient’s delivery from the mail queue and the notice link’s openings', async () => {
    const alpen = await noticeOf(org.alpen);
    const nord = await noticeOf(org.nord);
    // The queue's outcomes: Alpen's reminder bounced, Nord's final notice was delivered.
    await db.run("UPDATE mail_messages SET state = 'failed', attempts = 5 WHERE entity_id = ? AND purpose = 'recall.reminder'", [alpen.id]);
    await db.run("UPDATE mail_messages SET state = 'sent', attempts = 1, sent_at = '2026-03-02T09:15:00.000Z' WHERE entity_id = ? AND purpose = 'recall.final_notice'", [nord.id]);
    const token = await signNoticeToken(db, nord.id, nord.link_expires_at);
    await openNoticeLink(ctx, token);
    await openNoticeLink(ctx, token);
    const page = await markup(await as.qa.get(`/recalls/${recallId}`));
    const delivery = (email: string) => new RegExp(`data-testid="delivery" data-email="${email}" data-state="([a-z]+)" data-kind="([a-z_]+)"`).exec(page)?.slice(1);
    expect(delivery('recall@alpen-med.example')).toEqual(['failed', 'reminder']);
    expect(delivery('recall@nord-med.example')).toEqual(['sent', 'final_notice']);
    expect(delivery('distributor@rhein-medical.example')).toEqual(['kept', 'notice']);
    expect(page).toContain('bounced: not delivered');
    expect(page).toContain('delivered to the mail server <span class="nowrap">2026-03-02 09:15 UTC</span>'); // the time never breaks over two lines
    const opened = (organisationId: string) => new RegExp(`data-organisation="${organisationId}"[\\s\\S]*?data-testid="opened">([\\s\\S]*?)</td>`).exec(page)![1]!.replace(/\s+/g, ' ');
    expect(opened(org.nord)).toMatch(/First \d{4}-\d\d-\d\d \d\d:\d\d UTC.*last \d{4}-\d\d-\d\d \d\d:\d\d UTC, 2 times/);
    expect(opened(org.alpen)).toContain('Not opened');
  });

  it('the notice link page says what to do before any sign-in, which comes filled in with the addressee', async () => {
    const rhein = await noticeOf(org.rhein);
    const anonymous = new BrowserClient(server.url);
    const page = await markup(await anonymous.get(`/notices/${await signNoticeToken(db, rhein.id, rhein.link_expires_at)}`));
    const todo = /data-testid="what-to-do"[\s\S]*?<\/section>/.exec(page)![0];
    expect(todo).toContain('Actions you must take');
    expect(todo).toContain('Quarantine: stop using and distributing the affected units at once');
    expect(todo).toMatch(/Reply by \d{4}-\d\d-\d\d \d\d:\d\d UTC: confirm that you have read this notice/);
    expect(todo).toContain('B-1');
    // Only this distributor's lots and quantities: 10 units were shipped to Rhein, 11–13 to the others.
    expect(todo).toMatch(/<td class="num">10<\/td>/);
    expect(todo).not.toMatch(/<td class="num">1[123]<\/td>/);
    expect(page.indexOf('data-testid="what-to-do"')).toBeLessThan(page.indexOf('data-testid="sign-in"'));
    // SvelteKit renders the link relative to /notices/<token>.
    const signIn = /<a class="button[^"]*" href="\.\.(\/login\?[^"]+)" data-testid="sign-in"/.exec(page)![1]!;
    expect(signIn).toBe(`/login?email=distributor%40rhein-medical.example&redirectTo=${encodeURIComponent(`/recalls/${recallId}/reply`)}`);

    const login = await markup(await anonymous.get(signIn));
    expect(login).toMatch(/<input[^>]*name="email"[^>]*value="distributor@rhein-medical.example"/);
    // Nothing but one plausible address is taken from the query.
    for (const injected of ['"><script>alert(1)</script>@x.example', 'not-an-address', 'a@b.example" autofocus onfocus="alert(1)']) {
      const other = await markup(await anonymous.get(`/login?email=${encodeURIComponent(injected)}`));
      expect(other).toMatch(/<input[^>]*name="email"[^>]*value=""/);
      // (The query does appear, escaped, in the language switcher's return path.)
      expect(other).not.toContain('<script>alert(1)');
      expect(other).not.toMatch(/<input[^>]*onfocus=/);
    }
  });

  it('the notice is not sent again from a recall whose records were altered after signing', async () => {
    const trigger = (await db.get<{ sql: string }>("SELECT sql FROM sqlite_master WHERE name = 'recalls_content_fixed'"))!.sql;
    const { payload } = (await db.get<{ payload: string }>('SELECT payload FROM recalls WHERE id = ?', [recallId]))!;
    await db.run('DROP TRIGGER recalls_content_fixed');
    await db.run("UPDATE recalls SET payload = json_set(payload, '$.reason', 'No action needed') WHERE id = ?", [recallId]);
    try {
      const before = await mailCount();
      const refused = await bulk(as.qa, 'resend', [org.rhein]);
      expect(refused.status).toBe(409);
      expect(refused.html).toContain('The recall’s records were altered after they were signed: its notice is not sent again.');
      expect(await mailCount()).toBe(before);
    } finally {
      await db.run('UPDATE recalls SET payload = ? WHERE id = ?', [payload, recallId]);
      await db.run(trigger);
    }
  });

  it('a closed recall is refused: nothing more is sent', async () => {
    await closeRecall(ctx, await actorFor(db, emails.qa), rp, { recallId, reason: 'All stock accounted for', overrideReason: 'Closed for the test while consignees are open', credential: { password: demoPassword } });
    const before = await mailCount();
    const { status, html } = await bulk(as.qa, 'remind', [org.alpen]);
    expect(status).toBe(409);
    expect(html).toContain('This recall is closed: nothing more is sent to its consignees.');
    expect(await mailCount()).toBe(before);
    // The page no longer offers the actions.
    expect(await markup(await as.qa.get(`/recalls/${recallId}`))).not.toContain('data-testid="bulk-form"');
  });
});
