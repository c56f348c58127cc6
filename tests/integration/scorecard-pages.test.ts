// Scorecard pages over real HTTP from the built portal: QA's ranking with the CSV export and the
// signed weights form, a supplier's own card (and a 404 for another's, a 403 for a distributor),
// the card's trend charts as accessible images with their tables, in English and Chinese.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPassword } from '../../shared/demo/seed-demo.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import type { Db } from '../../shared/db/index.ts';
import { actorFor } from '../support/actors.ts';
import { demo } from '../support/demo.ts';
import { markup, openServerDb, signedInClients, startBuiltServer, type BrowserClient } from '../support/portal.ts';
import type { RunningServer } from '../support/server.ts';
import { ScorecardRecords } from '../support/scorecard-records.ts';

const other = { email: 'quality@ningbo-scorecard.example', displayName: 'Chen Gang', password: 'ningbo-supplier-pass' };

let server: RunningServer;
let db: Db;
let clients: Record<'qa' | 'supplier' | 'other' | 'distributor', BrowserClient>;
let ours: string;
let theirs: string;
const month = new Date().toISOString().slice(0, 7);

beforeAll(async () => {
  server = await startBuiltServer();
  db = openServerDb(server);
  const ctx = { db, clock: systemClock, policy: defaultPolicy };
  const by = { type: 'system' as const, name: 'scorecard pages test' };
  theirs = (await createOrganisation(ctx, by, { name: 'Ningbo Moulding Ltd.', kind: 'supplier' })).id;
  await addUser(ctx, by, { ...other, role: 'supplier_user', organisationId: theirs });
  const supplier = await actorFor(db, demo('supplier_user').email);
  ours = supplier.organisationId;
  const qa = await actorFor(db, demo('manufacturer_qa').email);
  // This month: the demo supplier delivers two lots against a line due in a week (on time), QA
  // rejects one and accepts the other.
  const r = new ScorecardRecords(db, qa.userId, qa.organisationId);
  const now = new Date();
  const inAWeek = new Date(now.getTime() + 7 * 86_400_000).toISOString().slice(0, 10);
  const po = await r.order(ours, [inAWeek]);
  const supplierRef = { id: ours, userId: supplier.userId };
  const a = await r.lot(supplierRef, now.toISOString(), { orderId: po, lineNumber: 1 });
  const b = await r.lot(supplierRef, now.toISOString(), { orderId: po, lineNumber: 1 });
  await r.inspection(a, 'rejected', now.toISOString());
  await r.inspection(b, 'accepted', now.toISOString());
  clients = await signedInClients(server, db, { qa: demo('manufacturer_qa').email, supplier: demo('supplier_user').email, other: other.email, distributor: demo('distributor_user').email });
});

afterAll(async () => {
  db?.close();
  await server?.stop();
});

async function status(res: Response): Promise<number> {
  await res.body?.cancel();
  return res.status;
}

describe('scorecard pages', () => {
  it('QA sees every supplier ranked for the period and opens any card [REQ-SCORE-01]', async () => {
    const page = await markup(await clients.qa.get(`/scorecards?period=${month}`));
    expect(page).toContain('data-testid="scorecard-ranking"');
    expect(page).toContain(`/scorecards/${ours}?period=${month}`);
    expect(page).toContain(`/scorecards/${theirs}?period=${month}`);
    expect(page).toContain(`/scorecards/export.csv?period=${month}`);
    expect(page).toContain('data-testid="scorecard-weights-form"');
    // The demo supplier's row: both lots on time, one of two accepted; the score is their mean.
    const row = page.slice(page.indexOf(`data-supplier="${ours}"`));
    expect(row.slice(0, row.indexOf('</tr>'))).toMatch(/75\.0 %[\s\S]*100\.0 %[\s\S]*2 of 2[\s\S]*50\.0 %[\s\S]*1 of 2/);
    expect(await status(await clients.qa.get(`/scorecards/${theirs}`))).toBe(200);
  });

  it('exports the ranking as CSV with the figures [REQ-SCORE-01]', async () => {
    const res = await clients.qa.get(`/scorecards/export.csv?period=${month}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain(`scorecards-${month}.csv`);
    const lines = (await res.text()).split('\r\n');
    expect(lines).toContain(`${month},1,"Suzhou Precision Components Co., Ltd.",75.0,2,2,100.0,1,2,50.0,0,0,,0,0,,0,0,`);
    expect(lines).toContain(`${month},,Ningbo Moulding Ltd.,,0,0,,0,0,,0,0,,0,0,,0,0,`);
  });

  it('a supplier is sent to its own card and sees it; another supplier’s card is a 404; a distributor is refused [REQ-SCORE-02]', async () => {
    const redirect = await clients.supplier.get(`/scorecards?period=${month}`);
    expect(redirect.status).toBe(303);
    expect(redirect.headers.get('location')).toBe(`/scorecards/${ours}?period=${month}`);
    await redirect.body?.cancel();
    const card = await markup(await clients.supplier.get(`/scorecards/${ours}?period=${month}`));
    expect(card).toContain('Scorecard: Suzhou Precision Components Co., Ltd.');
    expect(card).toMatch(/data-testid="scorecard-card-score">75\.0 %/);
    expect(card).not.toContain('All suppliers');
    expect(await status(await clients.supplier.get(`/scorecards/${theirs}`))).toBe(404);
    expect(await status(await clients.other.get(`/scorecards/${ours}`))).toBe(404);
    expect(await status(await clients.supplier.get('/scorecards/export.csv'))).toBe(403);
    expect(await status(await clients.distributor.get('/scorecards'))).toBe(403);
    expect(await status(await clients.distributor.get(`/scorecards/${ours}`))).toBe(403);
    expect(await status(await clients.qa.get('/scorecards?period=2026-13'))).toBe(400);
  });

  it('each measure has a trend chart as an image with its title and description, and the table of its figures', async () => {
    const card = await markup(await clients.qa.get(`/scorecards/${ours}?period=${month}`));
    const section = card.slice(card.indexOf('data-testid="scorecard-measure-acceptance"'));
    expect(section).toMatch(/<svg[^>]*role="img" aria-labelledby="chart-acceptance-title" aria-describedby="chart-acceptance-desc"/);
    expect(section).toContain('<title id="chart-acceptance-title">Lot acceptance, trend</title>');
    expect(section).toMatch(/<desc id="chart-acceptance-desc">Lot acceptance per period from .+ to .+, as a percentage/);
    const table = section.slice(section.indexOf('data-testid="scorecard-trend-acceptance"'));
    expect(table.slice(table.indexOf(`data-period="${month}"`))).toMatch(/^data-period="[^"]+"><th scope="row">[^<]+<\/th><td class="num[^"]*">1<\/td><td class="num[^"]*">2<\/td><td class="num[^"]*">50\.0 %<\/td>/);
    clients.supplier.cookies.set('lang', 'zh-CN');
    const zh = await markup(await clients.supplier.get(`/scorecards/${ours}?period=${month}`));
    clients.supplier.cookies.delete('lang');
    expect(zh).toContain('<title id="chart-acceptance-title">批次合格率趋势</title>');
    expect(zh).toContain('绩效评分卡：Suzhou Precision Components Co., Ltd.');
  });

  it('the weights form: a supplier is refused, a wrong password signs nothing, QA with its password sets them [REQ-SCORE-03]', async () => {
    const form = { 'weights.onTime': '50', 'weights.acceptance': '50', 'weights.certificates': '0', 'weights.invoices': '0', 'weights.scar': '0', reason: 'Delivery first', password: 'wrong' };
    expect(await status(await clients.supplier.postForm('/scorecards?/weights', { ...form, password: demoPassword }))).toBe(403);
    expect(await markup(await clients.qa.postForm('/scorecards?/weights', form))).toContain('The password is wrong');
    expect((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM scorecard_weights'))!.n).toBe(0);
    const refused = await markup(await clients.qa.postForm('/scorecards?/weights', { ...form, 'weights.scar': '101', password: demoPassword }));
    expect(refused).toContain('Enter a whole number from 0 to 100.');
    const done = await clients.qa.postForm(`/scorecards?/weights&period=${month}`, { ...form, password: demoPassword });
    expect(done.status).toBe(303);
    await done.body?.cancel();
    const page = await markup(await clients.qa.get(`/scorecards?period=${month}&saved=1`));
    expect(page).toContain('data-testid="scorecard-weights-saved"');
    expect(page).toContain('Delivery first');
    expect(page.slice(page.indexOf(`data-supplier="${ours}"`))).toMatch(/^[^]*?data-testid="scorecard-score">75\.0 %/);
  });
});
