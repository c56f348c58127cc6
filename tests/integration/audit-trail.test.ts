import { afterEach, describe, expect, it } from 'vitest';
import { genesisHash, entryHash, type AuditRow } from '../../shared/audit/entry.ts';
import { recordAudit } from '../../shared/audit/record-audit.ts';
import { verifyAuditChain, verifyPageSize } from '../../shared/audit/verify-audit-chain.ts';
import { signInWithPassword } from '../../shared/auth/sign-in-with-password.ts';
import { signOut } from '../../shared/auth/sign-out.ts';
import { removePasskey } from '../../shared/auth/remove-passkey.ts';
import { validateSessionToken } from '../../shared/auth/session.ts';
import { enqueueEvent } from '../../shared/outbox/enqueue-event.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { runCli } from '../support/server.ts';
import { insertPasskey, rawClient } from '../support/portal.ts';

const password = 'correct horse battery staple';
const setup = { type: 'system' as const, name: 'integration setup' };

const open: TestDatabase[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});

interface Story {
  t: TestDatabase;
  manufacturerId: string;
  supplierId: string;
  adminId: string;
  supplierUserId: string;
  passkeyId: string;
  /** The clock's reading at each audited step, in order. */
  times: string[];
}

/**
 * A realistic mix of audited changes through the use cases, with the clock moved between
 * them: 8 audit entries (the outbox event in the middle is not audited).
 */
async function story(): Promise<Story> {
  const t = await testDatabase();
  open.push(t);
  const { ctx, clock, db } = t;
  const times: string[] = [];
  const step = () => {
    clock.advance(61_000);
    times.push(clock.now().toISOString());
  };

  step();
  const manufacturer = await createOrganisation(ctx, setup, { name: 'Meridian Medical Devices Inc.', kind: 'manufacturer' });
  step();
  const supplier = await createOrganisation(ctx, setup, { name: 'Suzhou Precision Components Co., Ltd.', kind: 'supplier' });
  step();
  const admin = await addUser(ctx, setup, { email: 'Admin@Meridian.example', displayName: 'Alex Morgan', password, role: 'manufacturer_admin', organisationId: manufacturer.id });
  step();
  const supplierUser = await addUser(
    ctx,
    { type: 'user', id: admin.id, name: 'Alex Morgan' },
    { email: 'wang@suzhou.example', displayName: '王芳 (Wang Fang)', password, role: 'supplier_user', organisationId: supplier.id },
  );
  step();
  await expect(signInWithPassword({ ...ctx, requestId: 'req-failed-1' }, { email: 'wang@suzhou.example', password: 'not the password' })).rejects.toMatchObject({
    code: 'invalid_credentials',
  });
  step();
  const signedIn = await signInWithPassword({ ...ctx, requestId: 'req-signin-1' }, { email: 'wang@suzhou.example', password });

  // An outbox event is an integration message, not an audited change.
  await db.transaction((tx) =>
    enqueueEvent(tx, clock, { type: 'organisation.updated', aggregateType: 'organisation', aggregateId: supplier.id, organisationId: supplier.id, data: { a: 1 } }),
  );

  const passkeyId = await insertPasskey(db, supplierUser.id, 'Work laptop');
  const validated = await validateSessionToken(db, clock, ctx.policy, signedIn.token);
  expect(validated).not.toBeNull();
  step();
  await removePasskey(ctx, validated!.actor, { id: 'localhost', name: 'Lotbridge', origin: 'http://localhost:3000' }, {
    sessionId: signedIn.session.id,
    credentialId: passkeyId,
    credential: { password },
    locale: 'en',
  });
  step();
  await signOut(ctx, validated!.actor, signedIn.session.id);

  return { t, manufacturerId: manufacturer.id, supplierId: supplier.id, adminId: admin.id, supplierUserId: supplierUser.id, passkeyId, times };
}

const storyLength = 8;

async function entries(t: TestDatabase): Promise<AuditRow[]> {
  return t.db.all<AuditRow>('SELECT * FROM audit_log ORDER BY seq');
}

/** Opens the file with a second client, drops the append-only triggers and runs `sql`. */
async function tamper(t: TestDatabase, sql: string, args: (string | number | null)[] = []): Promise<void> {
  const raw = rawClient(t.url);
  try {
    await raw.executeMultiple('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
    await raw.execute({ sql, args });
  } finally {
    raw.close();
  }
}

async function cliVerify(t: TestDatabase) {
  return runCli(['audit', 'verify'], { DATABASE_URL: t.url });
}

describe('audit trail written by the use cases', () => {
  it('chains every change in order with actor, organisation, old and new values and the trusted time [REQ-P11-AUDIT-01]', async () => {
    const s = await story();
    const rows = await entries(s.t);

    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(rows.map((r) => r.action)).toEqual([
      'organisation.created',
      'organisation.created',
      'user.created',
      'user.created',
      'auth.sign_in_failed',
      'auth.signed_in',
      'passkey.removed',
      'auth.signed_out',
    ]);
    expect(rows.map((r) => r.at)).toEqual(s.times);

    // Each entry links to the one before, from the genesis hash, and its hash is its content's.
    expect(rows[0]!.prev_hash).toBe(genesisHash);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
    for (const { hash, mac: _mac, mac_key: _key, ...rest } of rows) expect(entryHash(rest)).toBe(hash);

    expect(rows[0]).toMatchObject({ actor_type: 'system', actor_id: null, actor_name: 'integration setup', organisation_id: s.manufacturerId, entity_type: 'organisation', entity_id: s.manufacturerId });
    expect(JSON.parse(rows[1]!.new_values!)).toMatchObject({ name: 'Suzhou Precision Components Co., Ltd.', kind: 'supplier' });
    expect(rows[2]).toMatchObject({ organisation_id: s.manufacturerId, entity_id: s.adminId, old_values: null });
    expect(JSON.parse(rows[2]!.new_values!)).toMatchObject({ email: 'admin@meridian.example', displayName: 'Alex Morgan', role: 'manufacturer_admin' });
    expect(rows[3]).toMatchObject({ actor_type: 'user', actor_id: s.adminId, actor_name: 'Alex Morgan', organisation_id: s.supplierId, entity_id: s.supplierUserId });
    expect(rows[4]).toMatchObject({ actor_type: 'user', actor_id: s.supplierUserId, actor_name: '王芳 (Wang Fang)', organisation_id: s.supplierId, request_id: 'req-failed-1' });
    expect(JSON.parse(rows[4]!.new_values!)).toMatchObject({ method: 'password', consecutiveFailures: 1 });
    expect(rows[5]).toMatchObject({ actor_id: s.supplierUserId, organisation_id: s.supplierId, request_id: 'req-signin-1' });
    expect(rows[6]).toMatchObject({ actor_id: s.supplierUserId, entity_type: 'passkey', entity_id: s.passkeyId });
    expect(JSON.parse(rows[6]!.new_values!)).toEqual({ confirmedWith: 'password' });
    expect(JSON.parse(rows[6]!.old_values!)).toMatchObject({ name: 'Work laptop' });
    expect(rows[7]).toMatchObject({ actor_id: s.supplierUserId, organisation_id: s.supplierId, entity_id: s.supplierUserId });

    // The outbox holds the event, and nothing of it reached the audit trail.
    expect(await s.t.db.all('SELECT event_type, aggregate_seq FROM outbox')).toEqual([{ event_type: 'organisation.updated', aggregate_seq: 1 }]);
    expect(rows.some((r) => r.action.startsWith('organisation.updated'))).toBe(false);

    const verdict = await verifyAuditChain(s.t.db);
    expect(verdict).toEqual({ ok: true, entries: storyLength, headSeq: storyLength, headHash: rows[storyLength - 1]!.hash });
    expect(await s.t.db.get('SELECT last_seq, last_hash FROM audit_head')).toEqual({ last_seq: storyLength, last_hash: rows[storyLength - 1]!.hash });
  });

  it('refuses UPDATE and DELETE on audit_log (append-only triggers) [REQ-P11-AUDIT-02]', async () => {
    const s = await story();
    const before = await entries(s.t);

    await expect(s.t.db.run("UPDATE audit_log SET reason = 'tidied up' WHERE seq = 3")).rejects.toThrow(/append-only/);
    await expect(s.t.db.run('DELETE FROM audit_log WHERE seq = 8')).rejects.toThrow(/append-only/);
    await expect(s.t.db.run('DELETE FROM audit_log')).rejects.toThrow(/append-only/);

    expect(await entries(s.t)).toEqual(before);
    expect((await verifyAuditChain(s.t.db)).ok).toBe(true);
  });

  it('refuses INSERT OR REPLACE over an existing entry (a delete in disguise) [REQ-P11-AUDIT-02]', async () => {
    const s = await story();
    const before = await entries(s.t);
    const target = before[2]!;

    for (const verb of ['INSERT OR REPLACE', 'REPLACE']) {
      await expect(
        s.t.db.run(
          `${verb} INTO audit_log (seq, at, actor_type, actor_id, actor_name, organisation_id, action, entity_type, entity_id,
                                   old_values, new_values, reason, request_id, prev_hash, hash)
           VALUES (?, ?, ?, ?, ?, ?, 'user.created', ?, ?, NULL, '{"role":"manufacturer_qa"}', NULL, NULL, ?, ?)`,
          [target.seq, target.at, target.actor_type, target.actor_id, target.actor_name, target.organisation_id, target.entity_type, target.entity_id, target.prev_hash, target.hash],
        ),
        verb,
      ).rejects.toThrow(/append-only/);
    }
    expect(await entries(s.t)).toEqual(before);
    expect(await s.t.db.get('SELECT last_seq FROM audit_head')).toEqual({ last_seq: storyLength });
  });

  it('rolls the entry back with its change when the transaction fails after recordAudit', async () => {
    const s = await story();
    const head = await s.t.db.get('SELECT last_seq, last_hash FROM audit_head');

    await expect(
      s.t.db.transaction(async (tx) => {
        await tx.run("INSERT INTO organisations (id, name, kind, created_at) VALUES ('org_doomed', 'Doomed GmbH', 'distributor', '2026-03-02T10:00:00.000Z')");
        await recordAudit(tx, s.t.clock, {
          actor: setup,
          organisationId: 'org_doomed',
          action: 'organisation.created',
          entityType: 'organisation',
          entityId: 'org_doomed',
          newValues: { name: 'Doomed GmbH' },
        });
        throw new Error('the change failed after it was audited');
      }),
    ).rejects.toThrow('failed after it was audited');

    expect(await s.t.db.get("SELECT id FROM organisations WHERE id = 'org_doomed'")).toBeUndefined();
    expect(await s.t.db.get("SELECT seq FROM audit_log WHERE entity_id = 'org_doomed'")).toBeUndefined();
    expect(await s.t.db.get('SELECT last_seq, last_hash FROM audit_head')).toEqual(head);

    // The next change takes the next number: no gap where the rolled-back entry was.
    const next = await createOrganisation(s.t.ctx, setup, { name: 'Rhein Medical Distribution GmbH', kind: 'distributor' });
    expect(await s.t.db.get('SELECT seq, entity_id FROM audit_log ORDER BY seq DESC LIMIT 1')).toEqual({ seq: storyLength + 1, entity_id: next.id });
    expect(await verifyAuditChain(s.t.db)).toMatchObject({ ok: true, entries: storyLength + 1 });
  });

  it('gives way to other work between pages of a long trail (a full check does not hold the server)', async () => {
    const t = await testDatabase();
    open.push(t);
    const length = 2 * verifyPageSize + 1;
    await t.db.transaction(async (tx) => {
      for (let i = 0; i < length; i++) {
        await recordAudit(tx, t.clock, { actor: setup, organisationId: null, action: 'organisation.created', entityType: 'organisation', entityId: `org_${i}` });
      }
    });
    let timerRanDuringCheck = false;
    let checking = true;
    setTimeout(() => (timerRanDuringCheck = checking), 0);
    const verdict = await verifyAuditChain(t.db);
    checking = false;
    expect(verdict).toMatchObject({ ok: true, entries: length });
    expect(timerRanDuringCheck).toBe(true);
  });

  it('verifies a trail the server goes on writing: an entry appended while the check reads is not a broken head', async () => {
    const t = await testDatabase();
    open.push(t);
    await t.db.transaction((tx) => recordAudit(tx, t.clock, { actor: setup, organisationId: null, action: 'organisation.created', entityType: 'organisation', entityId: 'org_first' }));
    // The server commits an entry (and its head) just as the check has read the last page of entries.
    let appended = false;
    const db = new Proxy(t.db, {
      get(target, name, receiver) {
        if (name !== 'all') return Reflect.get(target, name, receiver);
        return async (sql: string, args?: unknown[]) => {
          const rows = await target.all(sql, args as never);
          if (!appended && /FROM audit_log/.test(sql)) {
            appended = true;
            await target.transaction((tx) => recordAudit(tx, t.clock, { actor: setup, organisationId: null, action: 'organisation.created', entityType: 'organisation', entityId: 'org_meanwhile' }));
          }
          return rows;
        };
      },
    });
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, entries: 1 });
    expect(appended).toBe(true);
    // The next check covers the entry appended meanwhile.
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, entries: 2 });
  });

  it('lotbridge audit verify exits 0 on the intact trail', async () => {
    const s = await story();
    const result = await cliVerify(s.t);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${storyLength} entries`);
  });
});

describe('tampering behind the application’s back is detected', () => {
  it('an entry whose values were changed', async () => {
    const s = await story();
    await tamper(s.t, `UPDATE audit_log SET new_values = '{"consecutiveFailures":0,"method":"password"}' WHERE seq = 5`);

    const verdict = await verifyAuditChain(s.t.db);
    expect(verdict).toMatchObject({ ok: false, firstBrokenSeq: 5, entries: 4 });
    expect(verdict.ok === false && verdict.problem).toMatch(/entry 5 was altered/);

    const cli = await cliVerify(s.t);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/entry 5\b/);
  });

  it('an entry changed and re-hashed: its MAC no longer confirms it [REQ-P11-AUDIT-03]', async () => {
    const s = await story();
    const row = (await entries(s.t))[4]!;
    const forged = { ...row, new_values: '{"consecutiveFailures":0,"method":"password"}' };
    const { hash: _old, mac: _mac, mac_key: _key, ...rest } = forged;
    await tamper(s.t, 'UPDATE audit_log SET new_values = ?, hash = ? WHERE seq = 5', [forged.new_values, entryHash(rest)]);

    const verdict = await verifyAuditChain(s.t.db);
    expect(verdict).toMatchObject({ ok: false, firstBrokenSeq: 5, code: 'mac_invalid' });

    const cli = await cliVerify(s.t);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/entry 5\b/);
  });

  it('an entry deleted from the middle', async () => {
    const s = await story();
    await tamper(s.t, 'DELETE FROM audit_log WHERE seq = 4');

    const verdict = await verifyAuditChain(s.t.db);
    expect(verdict).toMatchObject({ ok: false, firstBrokenSeq: 4, entries: 3 });
    expect(verdict.ok === false && verdict.problem).toMatch(/entry 4 is missing/);

    const cli = await cliVerify(s.t);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/entry 4\b/);
  });

  it('the last entry deleted (caught by the head kept beside the log)', async () => {
    const s = await story();
    await tamper(s.t, 'DELETE FROM audit_log WHERE seq = ?', [storyLength]);

    const verdict = await verifyAuditChain(s.t.db);
    expect(verdict).toMatchObject({ ok: false, firstBrokenSeq: storyLength, entries: storyLength - 1 });
    expect(verdict.ok === false && verdict.problem).toMatch(/head/);

    const cli = await cliVerify(s.t);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(new RegExp(`entry ${storyLength}\\b`));
  });

  it('a forged entry appended with a made-up hash', async () => {
    const s = await story();
    const last = (await entries(s.t))[storyLength - 1]!;
    await tamper(
      s.t,
      `INSERT INTO audit_log (seq, at, actor_type, actor_id, actor_name, organisation_id, action, entity_type, entity_id,
                              old_values, new_values, reason, request_id, prev_hash, hash)
       VALUES (?, ?, 'user', ?, 'Alex Morgan', ?, 'certificate.approved', 'certificate', 'cert_forged', NULL, '{"status":"approved"}', NULL, NULL, ?, ?)`,
      [storyLength + 1, '2026-03-02T12:00:00.000Z', s.adminId, s.supplierId, last.hash, 'ab'.repeat(32)],
    );

    const verdict = await verifyAuditChain(s.t.db);
    expect(verdict).toMatchObject({ ok: false, firstBrokenSeq: storyLength + 1, entries: storyLength });
    expect(verdict.ok === false && verdict.problem).toMatch(new RegExp(`entry ${storyLength + 1} was altered`));

    const cli = await cliVerify(s.t);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(new RegExp(`entry ${storyLength + 1}\\b`));
  });
});
