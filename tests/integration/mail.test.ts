import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queueMail } from '../../shared/mail/queue-mail.ts';
import { createMailSender } from '../../shared/mail/mail-sender.ts';
import { createLogger } from '../../shared/log.ts';
import { installKeys } from '../../shared/keys/install-keys.ts';
import { isSealed } from '../../shared/keys/keyring.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from '../support/smtp.ts';
import { quotedPrintable } from '../support/mail.ts';

// A real SMTP server on loopback (the smtp-server package) receives what the sender sends.
let received: ReceivedMail[];
let rejectNext = 0;
let smtp: TestSmtpServer;

beforeAll(async () => {
  smtp = await startSmtpServer({
    // The next rejectNext recipients are refused for now (450), as by a busy mailbox.
    refuseRecipient: () => {
      if (rejectNext <= 0) return undefined;
      rejectNext--;
      return { code: 450, message: 'mailbox unavailable' };
    },
  });
  received = smtp.received;
});
afterAll(() => smtp?.close());

let t: TestDatabase;
beforeEach(async () => {
  t = await testDatabase();
  received.length = 0;
});
afterEach(() => t.close());

const mail = {
  to: 'supplier@suzhou-precision.example',
  cc: ['qa@meridian-medical.example'],
  subject: 'ISO 13485 certificate expires in 30 days / 证书将于 30 天后到期',
  text: 'Please upload the renewed certificate.\n请上传更新后的证书。',
  locale: 'en' as const,
  purpose: 'certificate.expiry_reminder' as const,
  organisationId: null,
};

describe('mail', () => {
  it('is queued with the change and delivered to the SMTP server after commit, UTF-8 intact', async () => {
    const sender = createMailSender({ db: t.db, clock: t.clock, log: createLogger('error'), smtpUrl: smtp.url, from: 'Lotbridge <no-reply@lotbridge.test>' });
    const id = await t.db.transaction((tx) => queueMail(tx, t.clock, mail));
    await sender.flush();
    await sender.stop();
    expect(received).toHaveLength(1);
    expect(received[0]!.from).toBe('no-reply@lotbridge.test');
    expect(received[0]!.to.sort()).toEqual(['qa@meridian-medical.example', 'supplier@suzhou-precision.example']);
    expect(quotedPrintable(received[0]!.raw)).toContain('请上传更新后的证书');
    expect(received[0]!.raw).toMatch(/^Subject: =\?UTF-8\?/m);
    expect(await t.db.get('SELECT state, attempts, sent_at FROM mail_messages WHERE id = ?', [id])).toEqual({ state: 'sent', attempts: 1, sent_at: '2026-03-02T09:00:00.000Z' });
  });

  it('is not queued when the change rolls back', async () => {
    await expect(
      t.db.transaction(async (tx) => {
        await queueMail(tx, t.clock, mail);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await t.db.all('SELECT id FROM mail_messages')).toEqual([]);
  });

  it('is kept for administrators when no SMTP server is configured', async () => {
    const sender = createMailSender({ db: t.db, clock: t.clock, log: createLogger('error'), from: 'x@lotbridge.test' });
    const id = await t.db.transaction((tx) => queueMail(tx, t.clock, mail));
    await sender.flush();
    expect(await t.db.get('SELECT state, subject FROM mail_messages WHERE id = ?', [id])).toEqual({ state: 'kept', subject: mail.subject });
    expect(received).toEqual([]);
  });

  it('is retried when the server refuses it for now, and marked failed with the answer after the last retry', async () => {
    const sender = createMailSender({ db: t.db, clock: t.clock, log: createLogger('error'), smtpUrl: smtp.url, from: 'x@lotbridge.test' });
    const id = await t.db.transaction((tx) => queueMail(tx, t.clock, mail));
    rejectNext = 2; // both recipients
    await sender.flush();
    const first = await t.db.get<{ state: string; attempts: number; last_error: string; next_attempt_at: string }>('SELECT * FROM mail_messages WHERE id = ?', [id]);
    expect(first).toMatchObject({ state: 'queued', attempts: 1, next_attempt_at: '2026-03-02T09:01:00.000Z' });
    expect(first!.last_error).toMatch(/mailbox unavailable/);
    t.clock.advance(60_000);
    await sender.flush();
    expect(await t.db.get('SELECT state, attempts FROM mail_messages WHERE id = ?', [id])).toEqual({ state: 'sent', attempts: 2 });

    const doomed = await t.db.transaction((tx) => queueMail(tx, t.clock, { ...mail, to: 'nobody@lotbridge.test' }));
    rejectNext = 100;
    for (let i = 0; i < 5; i++) {
      await sender.flush();
      t.clock.advance(3 * 3_600_000);
    }
    rejectNext = 0;
    expect(await t.db.get('SELECT state, attempts FROM mail_messages WHERE id = ?', [doomed])).toEqual({ state: 'failed', attempts: 5 });
    await sender.stop();
  });

  it('keeps its text sealed at rest; a text an older version kept in clear is sealed at the next start and still delivered', async () => {
    const sender = createMailSender({ db: t.db, clock: t.clock, log: createLogger('error'), smtpUrl: smtp.url, from: 'x@lotbridge.test' });
    const id = await t.db.transaction((tx) => queueMail(tx, t.clock, mail));
    const stored = (await t.db.get<{ text_body: string }>('SELECT text_body FROM mail_messages WHERE id = ?', [id]))!.text_body;
    expect(isSealed(stored)).toBe(true);
    expect(stored).not.toContain('renewed certificate');
    // A sealed text moved onto another message does not open there: that message fails, unsent.
    const other = await t.db.transaction((tx) => queueMail(tx, t.clock, { ...mail, to: 'other@lotbridge.test', text: 'other text' }));
    await t.db.run('UPDATE mail_messages SET text_body = ? WHERE id = ?', [stored, other]);

    const legacy = 'mail_legacy';
    await t.db.run(
      "INSERT INTO mail_messages (id, to_address, subject, text_body, locale, purpose, state, next_attempt_at, created_at) VALUES (?, 'legacy@lotbridge.test', 'old', 'Your code is 424242', 'en', 'test', 'queued', ?, ?)",
      [legacy, t.clock.now().toISOString(), t.clock.now().toISOString()],
    );
    expect(await installKeys(t.ctx)).toMatchObject({ sealed: 1 });
    expect(isSealed((await t.db.get<{ text_body: string }>('SELECT text_body FROM mail_messages WHERE id = ?', [legacy]))!.text_body)).toBe(true);

    await sender.flush();
    await sender.stop();
    expect(quotedPrintable(received.find((m) => m.to.includes(mail.to))!.raw)).toContain('Please upload the renewed certificate.');
    expect(quotedPrintable(received.find((m) => m.to.includes('legacy@lotbridge.test'))!.raw)).toContain('Your code is 424242');
    expect(received.find((m) => m.to.includes('other@lotbridge.test'))).toBeUndefined();
    expect(await t.db.get('SELECT state, last_error FROM mail_messages WHERE id = ?', [other])).toMatchObject({ state: 'queued', last_error: expect.stringMatching(/./) });
  });
});
