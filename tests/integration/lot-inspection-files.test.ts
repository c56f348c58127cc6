// Files attached to QA's decision on a lot (issue 18): checked by content (PDF, PNG, JPEG, CSV),
// stored in the file storage with a stored_files row each, bound into the signed hash, kept
// (0054's triggers), listed on the lot and downloadable by QA and the lot's supplier only: another
// supplier, and a file asked for under another lot, get 404. A refused decision leaves no file.
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/auth/actor.ts';
import type { Db } from '../../shared/db/index.ts';
import { demoPassword, seedDemo } from '../../shared/demo/seed-demo.ts';
import { createOrganisation } from '../../shared/organisations/create-organisation.ts';
import { addUser } from '../../shared/organisations/add-user.ts';
import { submitLots } from '../../shared/lots/submit-lots.ts';
import { checkInspection, inspectionHash, inspectLot } from '../../shared/lots/inspect-lot.ts';
import { getLot } from '../../shared/lots/get-lot.ts';
import { readInspectionFile } from '../../shared/lots/read-inspection-file.ts';
import { applyItemUpserted } from '../../shared/erp/apply-item-upserted.ts';
import { verifyAuditChain } from '../../shared/audit/verify-audit-chain.ts';
import { verifyRecordHashes, type RecordFinding } from '../../shared/signatures/verify-record-hashes.ts';
import { systemClock } from '../../shared/clock.ts';
import { defaultPolicy } from '../../shared/auth/policy.ts';
import { testDatabase, type TestDatabase } from '../support/database.ts';
import { actorFor } from '../support/actors.ts';
import { demo } from '../support/demo.ts';
import { refusal } from '../support/refusal.ts';
import { pdfBytes, postMultipart } from '../support/uploads.ts';
import { BrowserClient, markup, openServerDb, signedInClients, startBuiltServer } from '../support/portal.ts';
import type { RunningServer } from '../support/server.ts';

const rp = { id: 'portal.lotbridge.test', name: 'Lotbridge', origin: 'https://portal.lotbridge.test' };
const gtin = '09506000134352';
const by = { type: 'system' as const, name: 'inspection files test' };
const ningboUser = { email: 'quality@ningbo-files.example', displayName: 'Chen Gang', password: 'ningbo-supplier-pass' };
const uploads = { maxBytes: 64 * 1024 };
// A 1×1 PNG, a JPEG's first bytes, a measurement table.
const png = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYPj/HwAEAQH/2Q6kqQAAAABJRU5ErkJggg==', 'base64'));
const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]);
const csv = new TextEncoder().encode('characteristic,value,unit\r\nOuter diameter,4.02,mm\r\n');
const zip = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00]);

let t: TestDatabase;
const as = {} as Record<'supplier' | 'ningbo' | 'qa', Actor>;
let seq = 0;

async function newLot(actor: Actor = as.supplier): Promise<string> {
  const { stored } = await submitLots(t.ctx, actor, { source: 'form', lots: [{ gtin, lot: `L-FILES-${++seq}`, quantity: 50, expiryDate: '2030-01-31' }] });
  return stored[0]!.id;
}

const decide = (lotId: string, files: { name: string; bytes: Uint8Array }[], extra: { sampleSize?: number } = {}) =>
  inspectLot(t.ctx, as.qa, rp, {
    lotId,
    outcome: 'rejected',
    sampleSize: extra.sampleSize ?? 8,
    defectsFound: 2,
    measurements: [],
    reason: 'Two housings cracked at the snap fit',
    attachments: { uploads, files },
    credential: { password: demoPassword },
  });

const storedFiles = async () => (await t.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM stored_files'))!.n;
const filesOnDisk = () => readdirSync(t.dir, { recursive: true }).filter((f) => !String(f).startsWith('lotbridge.db')).length;

beforeAll(async () => {
  t = await testDatabase();
  await seedDemo(t.ctx);
  await t.db.transaction((tx) => applyItemUpserted(tx, t.clock, { gtin, description: 'Roller clamp housing', unitOfMeasure: 'EA' }));
  const ningbo = (await createOrganisation(t.ctx, by, { name: 'Ningbo Moulding Ltd.', kind: 'supplier', erpId: 'V-10078' })).id;
  await addUser(t.ctx, by, { ...ningboUser, role: 'supplier_user', organisationId: ningbo });
  as.supplier = await actorFor(t.db, demo('supplier_user').email);
  as.ningbo = await actorFor(t.db, ningboUser.email);
  as.qa = await actorFor(t.db, demo('manufacturer_qa').email);
});
afterAll(() => t?.close());

describe('files attached to a lot inspection', () => {
  it('are stored with the decision in order, their checksums signed, and listed on the lot for QA and its supplier [REQ-INSP-02]', async () => {
    const id = await newLot();
    const pdf = await pdfBytes('Measurement report MR-118');
    const files = [
      { name: 'MR-118.pdf', bytes: pdf },
      { name: 'crack.png', bytes: png },
      { name: 'detail.jpg', bytes: jpeg },
      { name: 'measurements.csv', bytes: csv },
    ];
    const { signature } = await decide(id, files);

    for (const actor of [as.qa, as.supplier]) {
      const { inspection } = await getLot(t.ctx, actor, id);
      expect(inspection!.attachments.map((f) => [f.name, f.contentType, f.sizeBytes])).toEqual([
        ['MR-118.pdf', 'application/pdf', pdf.length],
        ['crack.png', 'image/png', png.length],
        ['detail.jpg', 'image/jpeg', jpeg.length],
        ['measurements.csv', 'text/csv', csv.length],
      ]);
    }
    // The signature binds the files by name and checksum: the hash with them, not the one without.
    const { inspection, lot } = await getLot(t.ctx, as.qa, id);
    const decision = checkInspection({ lotId: id, outcome: 'rejected', sampleSize: 8, defectsFound: 2, measurements: [], reason: 'Two housings cracked at the snap fit' }, lot);
    const attached = inspection!.attachments.map((f) => ({ name: f.name, sha256: f.sha256 }));
    const signed = (await t.db.get<{ record_hash: string }>('SELECT record_hash FROM signatures WHERE id = ?', [signature.id]))!.record_hash;
    expect(signed).toBe(inspectionHash(lot, decision, attached));
    expect(signed).not.toBe(inspectionHash(lot, decision));

    const audit = await t.db.get<{ new_values: string }>("SELECT new_values FROM audit_log WHERE entity_type = 'lot' AND entity_id = ? AND action = 'lot.rejected'", [id]);
    expect(JSON.parse(audit!.new_values).attachments.map((a: { name: string }) => a.name)).toEqual(files.map((f) => f.name));
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it('are handed out to QA and the lot’s supplier, byte for byte; another supplier and another lot’s path get not_found [REQ-INSP-02] [REQ-P11-ACCESS-01]', async () => {
    const id = await newLot();
    const other = await newLot();
    await decide(other, []);
    await decide(id, [{ name: 'crack.png', bytes: png }]);
    const fileId = (await getLot(t.ctx, as.qa, id)).inspection!.attachments[0]!.id;

    for (const actor of [as.qa, as.supplier]) {
      const file = await readInspectionFile(t.ctx, actor, id, fileId);
      expect(file).toMatchObject({ name: 'crack.png', contentType: 'image/png' });
      expect(Buffer.from(file.bytes).equals(Buffer.from(png))).toBe(true);
    }
    expect((await refusal(readInspectionFile(t.ctx, as.ningbo, id, fileId))).code).toBe('not_found');
    expect((await refusal(readInspectionFile(t.ctx, as.qa, other, fileId))).code).toBe('not_found');
  });

  it('refuses a file that is neither PDF, photo nor CSV, and more than ten files, with the other problems at once; nothing is stored [REQ-INSP-02]', async () => {
    const id = await newLot();
    const [rows, disk] = [await storedFiles(), filesOnDisk()];
    const bad = await refusal(decide(id, [{ name: 'report.pdf', bytes: png.subarray(0, 4) }, { name: 'archive.zip', bytes: zip }], { sampleSize: 0 }));
    expect(bad.problems).toMatchObject({ attachments: { code: 'files.notAttachment' }, sampleSize: { code: 'lotInspection.sampleSize' } });
    const many = await refusal(decide(id, Array.from({ length: 11 }, (_, i) => ({ name: `p${i}.png`, bytes: png }))));
    expect(many.problems).toEqual({ attachments: { code: 'qualityRelease.tooManyFiles', params: { max: 10 } } });
    const large = await refusal(decide(id, [{ name: 'big.csv', bytes: new Uint8Array(uploads.maxBytes + 1).fill(0x41) }]));
    expect(large.problems).toMatchObject({ attachments: { code: 'files.tooLarge' } });
    expect([await storedFiles(), filesOnDisk()]).toEqual([rows, disk]);
    expect((await getLot(t.ctx, as.qa, id)).inspection).toBeNull();
  });

  it('leave no file behind when the signature fails [REQ-INSP-02]', async () => {
    const id = await newLot();
    const [rows, disk] = [await storedFiles(), filesOnDisk()];
    const wrong = inspectLot(t.ctx, as.qa, rp, {
      lotId: id,
      outcome: 'accepted',
      sampleSize: 8,
      defectsFound: 0,
      measurements: [],
      attachments: { uploads, files: [{ name: 'crack.png', bytes: png }] },
      credential: { password: 'not the password' },
    });
    expect((await refusal(wrong)).code).toBe('invalid_credentials');
    expect([await storedFiles(), filesOnDisk()]).toEqual([rows, disk]);
  });

  it('are kept as signed: a link is never changed or removed [REQ-INSP-02]', async () => {
    const id = await newLot();
    await decide(id, [{ name: 'crack.png', bytes: png }]);
    const { inspection } = await getLot(t.ctx, as.qa, id);
    const fileId = inspection!.attachments[0]!.id;
    await expect(t.db.run('DELETE FROM lot_inspection_files WHERE file_id = ?', [fileId])).rejects.toThrow(/kept/);
    await expect(t.db.run('UPDATE lot_inspection_files SET position = 5 WHERE file_id = ?', [fileId])).rejects.toThrow(/never changed/);
  });
});

describe('inspection files over HTTP (the built portal on loopback)', () => {
  let server: RunningServer;
  let db: Db;
  let lotId: string;
  const clients = {} as Record<'supplier' | 'ningbo' | 'qa', BrowserClient>;

  beforeAll(async () => {
    server = await startBuiltServer();
    db = openServerDb(server);
    await db.transaction((tx) => applyItemUpserted(tx, systemClock, { gtin, description: 'Roller clamp housing', unitOfMeasure: 'EA' }));
    const ctx = { db, clock: systemClock, policy: defaultPolicy };
    const ningbo = (await createOrganisation(ctx, by, { name: 'Ningbo Moulding Ltd.', kind: 'supplier', erpId: 'V-10078' })).id;
    await addUser(ctx, by, { ...ningboUser, role: 'supplier_user', organisationId: ningbo });
    const supplier = await actorFor(db, demo('supplier_user').email);
    lotId = (await submitLots(ctx, supplier, { source: 'form', lots: [{ gtin, lot: 'L-FILES-HTTP', quantity: 10, expiryDate: '2030-01-31' }] })).stored[0]!.id;
    Object.assign(clients, await signedInClients(server, db, { supplier: demo('supplier_user').email, ningbo: ningboUser.email, qa: demo('manufacturer_qa').email }));
  });
  afterAll(async () => {
    db?.close();
    await server?.stop();
  });

  it('QA attaches files with the form; QA and the supplier download them from the lot page; another supplier gets 404 [REQ-INSP-02]', async () => {
    const form = { outcome: 'accepted', sampleSize: '4', defectsFound: '0', password: demoPassword };
    // An unsupported file: refused beside the field, nothing decided.
    const refused = await postMultipart(clients.qa, `/lots/${lotId}?/inspect`, form, { field: 'attachments', name: 'archive.zip', bytes: zip, type: 'application/zip' });
    expect(refused.status).toBe(400);
    expect(await markup(refused)).toContain('This file is not a PDF, a PNG or JPEG photo or a CSV table');

    const pdf = await pdfBytes('Measurement report MR-119');
    const res = await postMultipart(clients.qa, `/lots/${lotId}?/inspect`, form, [
      { field: 'attachments', name: 'MR-119 测量报告.pdf', bytes: pdf },
      { field: 'attachments', name: 'crack.png', bytes: png, type: 'image/png' },
    ]);
    expect(res.status).toBe(200);
    const files = await db.all<{ id: string; original_name: string }>(
      'SELECT f.id, f.original_name FROM lot_inspection_files lf JOIN lot_inspections li ON li.id = lf.inspection_id JOIN stored_files f ON f.id = lf.file_id WHERE li.lot_id = ? ORDER BY lf.position',
      [lotId],
    );
    expect(files.map((f) => f.original_name)).toEqual(['MR-119 测量报告.pdf', 'crack.png']);

    const page = await markup(await clients.supplier.get(`/lots/${lotId}`));
    expect(page).toContain('data-testid="inspection-attachments"');
    expect(page).toContain(`/lots/${lotId}/files/${files[1]!.id}`);
    for (const client of [clients.qa, clients.supplier]) {
      const download = await client.get(`/lots/${lotId}/files/${files[0]!.id}`);
      expect(download.status).toBe(200);
      expect(download.headers.get('content-type')).toBe('application/pdf');
      expect(download.headers.get('content-disposition')).toContain("filename*=UTF-8''MR-119%20%E6%B5%8B%E9%87%8F%E6%8A%A5%E5%91%8A.pdf");
      expect(Buffer.from(await download.arrayBuffer()).equals(Buffer.from(pdf))).toBe(true);
    }
    const photo = await clients.supplier.get(`/lots/${lotId}/files/${files[1]!.id}`);
    expect([photo.status, photo.headers.get('content-type'), photo.headers.get('x-content-type-options')]).toEqual([200, 'image/png', 'nosniff']);
    expect((await clients.ningbo.get(`/lots/${lotId}/files/${files[0]!.id}`)).status).toBe(404);
    expect((await clients.ningbo.get(`/lots/${lotId}`)).status).toBe(404);
  });
});

describe('lot inspections in the record hash re-verification (lotbridge audit verify, validate PQ)', () => {
  it('are checked: an intact decision with files passes; an outcome or an attached file changed through the database file is found [REQ-P11-REC-01] [REQ-INSP-02]', async () => {
    const id = await newLot();
    await decide(id, [{ name: 'MR-120.pdf', bytes: await pdfBytes('Measurement report MR-120') }]);
    const inspectionId = (await t.db.get<{ id: string }>('SELECT id FROM lot_inspections WHERE lot_id = ?', [id]))!.id;
    const findings = async () => {
      const found: RecordFinding[] = [];
      const verdict = await verifyRecordHashes(t.db, { onFinding: (f) => found.push(f) });
      return { checked: verdict.checked.lot_inspection, found: found.filter((f) => f.type === 'lot_inspection') };
    };
    const intact = await findings();
    expect(intact.checked).toBeGreaterThan(0);
    expect(intact.found).toEqual([]);

    // Someone holding the database file turns the rejection into a release (and puts the trigger back).
    const bypass = async (sql: string, args: string[], table: string, trigger: string, body: string) => {
      await t.db.run(`DROP TRIGGER ${trigger}`);
      await t.db.run(sql, args);
      await t.db.run(`CREATE TRIGGER ${trigger} BEFORE UPDATE ON ${table} BEGIN SELECT RAISE(ABORT, '${body}'); END`);
    };
    await bypass("UPDATE lot_inspections SET outcome = 'accepted' WHERE id = ?", [inspectionId], 'lot_inspections', 'lot_inspections_no_update', 'a lot inspection is never edited');
    expect((await findings()).found).toEqual([{ type: 'lot_inspection', id: inspectionId, problem: 'altered' }]);
    await bypass("UPDATE lot_inspections SET outcome = 'rejected' WHERE id = ?", [inspectionId], 'lot_inspections', 'lot_inspections_no_update', 'a lot inspection is never edited');
    expect((await findings()).found).toEqual([]);

    // An attached file's recorded checksum swapped (another file's bytes put in its place).
    const fileId = (await t.db.get<{ file_id: string }>('SELECT lf.file_id FROM lot_inspection_files lf WHERE lf.inspection_id = ?', [inspectionId]))!.file_id;
    const sha = (await t.db.get<{ sha256: string }>('SELECT sha256 FROM stored_files WHERE id = ?', [fileId]))!.sha256;
    await bypass('UPDATE stored_files SET sha256 = ? WHERE id = ?', ['0'.repeat(64), fileId], 'stored_files', 'stored_files_no_update', 'stored files are never changed: UPDATE refused');
    expect((await findings()).found).toEqual([{ type: 'lot_inspection', id: inspectionId, problem: 'altered' }]);
    await bypass('UPDATE stored_files SET sha256 = ? WHERE id = ?', [sha, fileId], 'stored_files', 'stored_files_no_update', 'stored files are never changed: UPDATE refused');
    expect((await findings()).found).toEqual([]);
  });
});
