// The operator's CLI against a real SQLite file, through bin/lotbridge.js: organisations listed
// and a user added to one named by its name (both through shared use cases, no SQL of the CLI's
// own), and our AS2 key pairs retired (`as2 retire`): an old one once a newer one signs, never
// the only one that can sign, each retirement audited as the system naming the operator.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../shared/db/index.ts';
import { runCli, tempDir } from '../support/server.ts';

describe('lotbridge CLI for operators', () => {
  const folder = tempDir();
  const env = { DATABASE_URL: `file:${join(folder.dir, 'lotbridge.db')}`, UPLOAD_DIR: join(folder.dir, 'uploads'), AS2_ID: 'LOTBRIDGE-CLI' };
  const cli = async (...args: string[]) => runCli(args, env);
  let db: Db;

  beforeAll(async () => {
    expect((await cli('migrate')).code).toBe(0);
    db = openDb(env.DATABASE_URL);
  });
  afterAll(() => {
    db?.close();
    folder.remove();
  });

  it('lists organisations by kind and name with their ERP id and head count, and adds a user to one named by its name', async () => {
    for (const [name, kind, erp] of [
      ['Rhein Medical GmbH', 'distributor', 'C-1'],
      ['Meridian Medical', 'manufacturer', ''],
      ['Alpen Med AG', 'distributor', ''],
    ]) {
      const added = await cli('org', 'add', '--name', name!, '--kind', kind!, ...(erp ? ['--erp-id', erp] : []));
      expect(added.code, added.stderr).toBe(0);
    }
    const user = await cli('user', 'add', '--email', 'qa@meridian.example', '--name', 'Quinn QA', '--org', 'Meridian Medical', '--role', 'manufacturer_qa');
    expect(user.code, user.stderr).toBe(0);
    expect(user.stdout).toMatch(/Password \(shown once\): \S+/);
    const unknown = await cli('user', 'add', '--email', 'x@nowhere.example', '--name', 'X', '--org', 'Nowhere Ltd', '--role', 'supplier_user');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no organisation has the id or name "Nowhere Ltd"');

    const list = await cli('org', 'list');
    expect(list.code, list.stderr).toBe(0);
    const rows = list.stdout.trim().split('\n').map((l) => l.split('\t').slice(1));
    expect(rows).toEqual([
      ['distributor', 'erp:-', '0 member(s)', 'Alpen Med AG'],
      ['distributor', 'erp:C-1', '0 member(s)', 'Rhein Medical GmbH'],
      ['manufacturer', 'erp:-', '1 member(s)', 'Meridian Medical'],
    ]);
    expect(list.stdout).toMatch(/^org_\S+\tdistributor/);
  });

  it('retires an old AS2 key pair once a newer one signs, never the only one that can sign', async () => {
    const identity = await cli('as2', 'identity');
    expect(identity.code, identity.stderr).toBe(0);
    const [first] = await db.all<{ id: string }>("SELECT id FROM as2_identity_keys WHERE state = 'active'");
    expect(identity.stdout).toContain(`key ${first!.id}; `);

    const alone = await cli('as2', 'retire', '--key', first!.id);
    expect(alone.code).toBe(1);
    expect(alone.stderr).toContain('is the only one that can sign; rotate to a new one before retiring it');
    expect((await cli('as2', 'retire')).code).toBe(2);

    expect((await cli('as2', 'rotate')).code).toBe(0);
    const retired = await cli('as2', 'retire', '--key', first!.id, '--reason', 'partners confirmed the new certificate');
    expect(retired.code, retired.stderr).toBe(0);
    expect(retired.stdout).toContain(`Retired AS2 key pair ${first!.id}`);
    expect(await db.get('SELECT state FROM as2_identity_keys WHERE id = ?', [first!.id])).toEqual({ state: 'retired' });
    const audit = await db.get<{ actor_type: string; actor_name: string; reason: string }>(
      "SELECT actor_type, actor_name, reason FROM audit_log WHERE action = 'as2_identity_key.retired' AND entity_id = ?",
      [first!.id],
    );
    expect(audit).toMatchObject({ actor_type: 'system', reason: 'partners confirmed the new certificate' });
    expect(audit!.actor_name).toMatch(/^lotbridge CLI \(/);

    const again = await cli('as2', 'retire', '--key', first!.id);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is already retired');
  });
});
