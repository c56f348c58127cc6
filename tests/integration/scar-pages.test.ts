// The SCAR pages over real HTTP against the built portal: who sees which SCAR (QA all, a supplier
// its own only, another supplier's is 404, a distributor is refused), who may do what (a supplier
// cannot decide, verify, close or open; QA cannot answer), evidence beyond PDF (a photo, a CSV
// table) and how it is handed out, and the home work lists' SCAR entries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { markup, openServerDb, signedInClients, startBuiltServer, type BrowserClient } from '../support/portal.ts';
import type { RunningServer } from '../support/server.ts';
import { actorFor } from '../support/actors.ts';
import { demo } from '../support/demo.ts';
import { openTestScar } from '../support/scar-open.ts';
import { postMultipart } from '../support/uploads.ts';

const other = { email: 'quality@ningbo-scar.example', displayName: '陈刚 (Chen Gang)', password: 'ningbo-supplier-pass' };

describe('SCAR pages (built portal, real HTTP)', () => {
  let server: RunningServer;
  let db: Db;
  let clients: Record<'qa' | 'supplier' | 'other' | 'distributor' | 'admin', BrowserClient>;
  let ours: { id: string; number: string };
  let theirs: { id: string; number: string };

  beforeAll(async () => {
    server = await startBuiltServer();
    db = openServerDb(server);
    const ctx = { db, clock: systemClock, policy: defaultPolicy };
    const by = { type: 'system' as const, name: 'SCAR pages test' };
    const otherOrg = (await createOrganisation(ctx, by, { name: 'Ningbo Moulding Ltd.', kind: 'supplier', erpId: 'V-10078' })).id;
    await addUser(ctx, by, { ...other, role: 'supplier_user', organisationId: otherOrg });
    const qa = await actorFor(db, demo('manufacturer_qa').email);
    ours = await openTestScar(ctx, qa, await actorFor(db, demo('supplier_user').email));
    theirs = await openTestScar(ctx, qa, await actorFor(db, other.email), { title: 'Short shots on the luer lock' });
    clients = await signedInClients(server, db, {
      qa: demo('manufacturer_qa').email,
      supplier: demo('supplier_user').email,
      other: other.email,
      distributor: demo('distributor_user').email,
      admin: demo('manufacturer_admin').email,
    });
  });

  afterAll(async () => {
    db?.close();
    await server?.stop();
  });

  /** The status of a request, its body read (a refusal's body is never needed). */
  const status = async (res: Response) => {
    await res.body?.cancel();
    return res.status;
  };

  it('QA lists every SCAR and may open one; a supplier lists only its own and may not [REQ-SCAR-04]', async () => {
    const list = await markup(await clients.qa.get('/scars'));
    expect(list).toContain(`/scars/${ours.id}`);
    expect(list).toContain(`/scars/${theirs.id}`);
    expect(list).toContain('data-testid="scar-new"');
    const own = await markup(await clients.supplier.get('/scars'));
    expect(own).toContain(`/scars/${ours.id}`);
    expect(own).not.toContain(theirs.id);
    expect(own).not.toContain(theirs.number);
    expect(own).not.toContain('data-testid="scar-new"');
    // The state filter: an open SCAR is not among the closed ones.
    expect(await markup(await clients.qa.get('/scars?state=closed'))).not.toContain(ours.id);
  });

  it("another supplier's SCAR is 404, its page and its evidence; the supplier's own page offers the answer forms and no decision [REQ-SCAR-04]", async () => {
    expect(await status(await clients.supplier.get(`/scars/${theirs.id}`))).toBe(404);
    expect(await status(await clients.other.get(`/scars/${ours.id}`))).toBe(404);
    expect(await status(await clients.other.get(`/scars/${ours.id}/evidence/sev_nothing`))).toBe(404);
    const page = await markup(await clients.supplier.get(`/scars/${ours.id}`));
    expect(page).toContain('data-testid="answer-form"');
    expect(page).not.toContain('data-testid="decide-form"');
    expect(page).not.toContain('data-testid="cancel-form"');
    // Answering into another supplier's SCAR: not found, nothing kept.
    expect(await status(await clients.other.postForm(`/scars/${ours.id}?/answer`, { step: 'D2', 'answer.description': 'Not ours to answer.' }))).toBe(404);
    expect((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM scar_step_rounds WHERE scar_id = ?', [ours.id]))!.n).toBe(0);
  });

  it('the supplier keeps a photo and a CSV table as evidence; each is handed out as a download of its own type, never sniffed or run; a file named otherwise is refused next to the field [REQ-SCAR-02]', async () => {
    const png = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYPj/HwAEAQH/2Q6kqQAAAABJRU5ErkJggg==', 'base64'));
    const csv = new TextEncoder().encode('sample,leak rate (ml/min)\r\n1,0.02\r\n2,0.01\r\n');
    const upload = (name: string, bytes: Uint8Array, type?: string) => postMultipart(clients.supplier, `/scars/${ours.id}?/evidence`, { step: 'D3' }, { name, bytes, type });
    for (const [name, bytes, type] of [['leak-path.png', png, 'image/png'], ['leak-test.csv', csv, 'text/csv']] as const) {
      const res = await upload(name, bytes, type);
      expect(res.status, (await res.text()).slice(0, 300)).toBe(200);
    }
    const kept = await db.all<{ id: string; name: string }>(
      'SELECT e.id, f.original_name AS name FROM scar_evidence e JOIN stored_files f ON f.id = e.file_id WHERE e.scar_id = ? ORDER BY f.original_name',
      [ours.id],
    );
    expect(kept.map((k) => k.name)).toEqual(['leak-path.png', 'leak-test.csv']);

    for (const [k, bytes, type] of [[kept[0]!, png, 'image/png'], [kept[1]!, csv, 'text/csv; charset=utf-8']] as const) {
      for (const client of [clients.supplier, clients.qa]) {
        const res = await client.get(`/scars/${ours.id}/evidence/${k.id}`);
        expect(res.status).toBe(200);
        expect(Object.fromEntries(['content-type', 'content-disposition', 'x-content-type-options', 'content-security-policy'].map((h) => [h, res.headers.get(h)]))).toEqual({
          'content-type': type,
          'content-disposition': `attachment; filename="${k.name}"; filename*=UTF-8''${k.name}`,
          'x-content-type-options': 'nosniff',
          'content-security-policy': "default-src 'none'; sandbox",
        });
        expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
      }
      expect(await status(await clients.other.get(`/scars/${ours.id}/evidence/${k.id}`))).toBe(404);
    }

    // A photo named as a PDF, and text named as a web page: refused, worded next to the file input, nothing kept.
    for (const [name, bytes, ending] of [['leak-path.pdf', png, '.png'], ['leak-test.html', new TextEncoder().encode('<script>alert(1)</script>'), '.csv']] as const) {
      const res = await upload(name, bytes, 'application/octet-stream');
      const html = await res.text();
      expect(res.status, html.slice(0, 300)).toBe(400);
      expect(html).toContain('id="D3-file-problem" data-problem="files.nameMismatch"');
      expect(html).toContain(`judged by its content, its name should end in ${ending}.`);
    }
    expect((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM scar_evidence WHERE scar_id = ?', [ours.id]))!.n).toBe(2);
  });

  it('a supplier cannot decide, verify, close, cancel or open a SCAR; QA cannot answer [REQ-SCAR-04]', async () => {
    const signed = { password: demoPassword };
    expect(await status(await clients.supplier.postForm(`/scars/${ours.id}?/decide`, { step: 'D1', decision: 'accepted', ...signed }))).toBe(403);
    expect(await status(await clients.supplier.postForm(`/scars/${ours.id}?/verify`, { result: 'effective', note: 'Fine', ...signed }))).toBe(403);
    expect(await status(await clients.supplier.postForm(`/scars/${ours.id}?/close`, signed))).toBe(403);
    expect(await status(await clients.supplier.postForm(`/scars/${ours.id}?/cancel`, { reason: 'No', ...signed }))).toBe(403);
    expect(await status(await clients.supplier.get('/scars/new'))).toBe(403);
    expect(await status(await clients.supplier.postForm('/scars/new?/open', { title: 'Self-inflicted', ...signed }))).toBe(403);
    expect(await status(await clients.qa.postForm(`/scars/${ours.id}?/answer`, { step: 'D2', 'answer.description': 'QA answering for the supplier.' }))).toBe(403);
    const row = await db.get<{ state: string; n: number }>("SELECT s.state, (SELECT COUNT(*) FROM scar_step_rounds r WHERE r.scar_id = s.id) AS n FROM scars s WHERE s.id = ?", [ours.id]);
    expect(row).toEqual({ state: 'open', n: 0 });
  });

  it('a distributor sees nothing: the list, a SCAR and the new form are refused [REQ-SCAR-04]', async () => {
    expect(await status(await clients.distributor.get('/scars'))).toBe(403);
    expect(await status(await clients.distributor.get(`/scars/${ours.id}`))).toBe(403);
    expect(await status(await clients.distributor.get('/scars/new'))).toBe(403);
  });

  it("the home work lists: the supplier's steps to answer link to its SCAR; another supplier's are not counted [REQ-SCAR-04]", async () => {
    const home = await markup(await clients.supplier.get('/home'));
    expect(home).toContain('data-kind="scarStepsToAnswer"');
    expect(home).toContain(`/scars/${ours.id}#step-D1`);
    expect(home).not.toContain(theirs.id);
    const otherHome = await markup(await clients.other.get('/home'));
    expect(otherHome).not.toContain(ours.id);
  });
});
