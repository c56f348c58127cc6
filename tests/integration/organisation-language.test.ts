// The language an organisation receives its recall notices and mails in first, over the real
// server: the demo's German distributor starts in German; the manufacturer's administrator
// changes it on /admin/organisations (audited, a language the portal does not speak refused next
// to the field); QA, a distributor and anyone signed out are refused and change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db/index.ts';
import type { RunningServer } from '../support/server.ts';
import { BrowserClient, openServerDb, signInDirectly, startBuiltServer } from '../support/portal.ts';

describe('organisation language', () => {
  let server: RunningServer;
  let db: Db;
  let rhein: string;
  const as: Record<'admin' | 'qa' | 'distributor', BrowserClient> = {} as never;
  const language = async () => (await db.get<{ language: string }>('SELECT language FROM organisations WHERE id = ?', [rhein]))!.language;

  beforeAll(async () => {
    server = await startBuiltServer();
    db = openServerDb(server);
    rhein = (await db.get<{ id: string }>("SELECT id FROM organisations WHERE erp_id = 'C-20001'"))!.id;
    const emails = { admin: 'admin@meridian-medical.example', qa: 'qa@meridian-medical.example', distributor: 'distributor@rhein-medical.example' };
    for (const who of ['admin', 'qa', 'distributor'] as const) {
      as[who] = new BrowserClient(server.url);
      await signInDirectly(as[who], db, emails[who]);
    }
  });
  afterAll(async () => {
    db?.close();
    await server?.stop();
  });

  it('the demo distributor is German; the others start in English; the list shows each one’s language', async () => {
    expect(await language()).toBe('de');
    expect(await db.all("SELECT DISTINCT language FROM organisations WHERE id <> ?", [rhein])).toEqual([{ language: 'en' }]);
    const page = await (await as.admin.get('/admin/organisations')).text();
    const row = page.split('data-testid="organisation"').find((r) => r.includes('Rhein Medical Distribution GmbH'))!;
    expect(row).toMatch(/<option value="de" lang="de" selected[^>]*>Deutsch<\/option>/);
  });

  it('the administrator changes it, audited; a language the portal does not speak is refused next to the field', async () => {
    const refused = await as.admin.postForm('/admin/organisations?/language', { organisationId: rhein, language: 'fr' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/data-problem="organisations.badLanguage"[^>]*>Choose one of the languages offered\./);
    expect(await language()).toBe('de');

    const saved = await as.admin.postForm('/admin/organisations?/language', { organisationId: rhein, language: 'zh-CN' });
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain('The language of Rhein Medical Distribution GmbH was saved.');
    expect(await language()).toBe('zh-CN');
    expect(await db.get("SELECT old_values, new_values FROM audit_log WHERE action = 'organisation.language_set' AND entity_id = ? ORDER BY seq DESC LIMIT 1", [rhein])).toEqual({
      old_values: JSON.stringify({ language: 'de' }),
      new_values: JSON.stringify({ language: 'zh-CN' }),
    });
    expect((await as.admin.postForm('/admin/organisations?/language', { organisationId: 'org_nosuch', language: 'de' })).status).toBe(404);
    expect((await as.admin.postForm('/admin/organisations?/language', { organisationId: rhein, language: 'de' })).status).toBe(200);
    expect(await language()).toBe('de');
  });

  it('refuses QA, the distributor itself and anyone signed out, changing nothing', async () => {
    for (const who of ['qa', 'distributor'] as const) {
      expect((await as[who].postForm('/admin/organisations?/language', { organisationId: rhein, language: 'en' })).status, who).toBe(403);
    }
    const anonymous = await new BrowserClient(server.url).postForm('/admin/organisations?/language', { organisationId: rhein, language: 'en' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toContain('/login');
    expect(await language()).toBe('de');
  });
});
