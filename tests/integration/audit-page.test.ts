// The /audit page: filters, readable actions, the CSV export (scoped like the page) and the
// result of the background check shown instead of a recomputation of the chain per view.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import type { RunningServer } from '../support/server.ts';
import { BrowserClient, demoIds, openServerDb, signInDirectly, startBuiltServer } from '../support/portal.ts';
import { demo } from '../support/demo.ts';


describe('the audit trail page', () => {
  let server: RunningServer;
  let db: Db;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  let asQa: BrowserClient;
  let asSupplier: BrowserClient;

  beforeAll(async () => {
    server = await startBuiltServer();
    db = openServerDb(server);
    ids = await demoIds(db);
    asQa = new BrowserClient(server.url);
    await signInDirectly(asQa, db, demo('manufacturer_qa').email);
    asSupplier = new BrowserClient(server.url);
    await signInDirectly(asSupplier, db, demo('supplier_user').email);
  });
  afterAll(async () => {
    db?.close();
    await server?.stop();
  });

  const rowsOf = (html: string) => [...html.matchAll(/<tr data-action="([^"]+)"/g)].map((m) => m[1]);

  it('filters by action and organisation, and names actions in the reader’s language', async () => {
    const html = await (await asQa.get(`/audit?action=user.created&org=${ids.org.supplier.id}`)).text();
    const actions = rowsOf(html);
    expect(actions.length).toBeGreaterThan(0);
    expect(new Set(actions)).toEqual(new Set(['user.created']));
    expect(html).toContain(demo('supplier_user').email);
    expect(html).not.toContain(demo('distributor_user').email);
    expect(html).toContain('User created');

    const inChinese = new BrowserClient(server.url);
    await signInDirectly(inChinese, db, demo('manufacturer_qa').email);
    inChinese.cookies.set('lang', 'zh-CN');
    const zh = await (await inChinese.get('/audit?action=user.created')).text();
    expect(zh).toContain('用户已创建');
  });

  it('filters by time range; a date that is not one is said so and left out', async () => {
    expect(rowsOf(await (await asQa.get('/audit?to=2000-01-01')).text())).toEqual([]);
    const bad = await (await asQa.get('/audit?from=yesterday')).text();
    expect(bad).toContain('A date in the filter is not a date');
    expect(rowsOf(bad).length).toBeGreaterThan(0);
  });

  it('exports the filtered trail as CSV with hashes and MACs, scoped to the reader’s organisation [REQ-P11-AUDIT-04]', async () => {
    const res = await asQa.get('/audit/export.csv?action=organisation.created');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await res.text()).replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines[0]).toBe('seq,at,actor_type,actor_id,actor_name,organisation_id,action,entity_type,entity_id,old_values,new_values,reason,request_id,prev_hash,hash,mac,mac_key');
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.slice(1).every((l) => l.includes(',organisation.created,'))).toBe(true);

    const own = await (await asSupplier.get('/audit/export.csv')).text();
    expect(own).toContain(demo('supplier_user').email);
    expect(own).not.toContain(demo('distributor_user').email);
    expect(own).not.toContain(ids.org.distributor.id);

    const anonymous = await new BrowserClient(server.url).get('/audit/export.csv');
    expect(anonymous.status).not.toBe(200);
  });

  it('shows the background check’s result; a result written without the key is shown as forged', async () => {
    const before = await (await asQa.get('/audit')).text();
    // Its text, without the markup that keeps the time on one line.
    expect(/data-testid="chain-status"[^>]*>([\s\S]*?)<\/p>/.exec(before)![1]!.replace(/<[^>]*>/g, '')).toMatch(/entries 1 to \d+ intact/);

    await db.run(
      `INSERT INTO audit_verifications (at, kind, from_seq, through_seq, through_hash, ok, mac, mac_key) VALUES ('2030-01-01T00:00:00.000Z', 'full', 0, 999, 'x', 1, ?, 'k000000000000')`,
      ['0'.repeat(64)],
    );
    const after = await (await asQa.get('/audit')).text();
    expect(after).toContain('role="alert" data-testid="chain-status"');
    expect(after).toContain('forged');
  });
});
