// What the list pages offer each role (the use cases' `permissions`) agrees with what the write
// use cases let the same role do: a role offered no button is refused `forbidden`, a role
// offered one is not (whatever else is wrong with its empty input).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roles, type Actor, type Role } from '../../shared/auth/actor.ts';
import type { Db } from '../../shared/db/index.ts';
import { isAppError } from '../../shared/errors.ts';
import type { FilesContext } from '../../shared/context.ts';
import { listLots } from '../../shared/lots/list-lots.ts';
import { submitLots } from '../../shared/lots/submit-lots.ts';
import { listInvoices } from '../../shared/invoices/list-invoices.ts';
import { submitInvoice, type InvoiceSubmission } from '../../shared/invoices/submit-invoice.ts';
import { listCertificates } from '../../shared/certificates/list-certificates.ts';
import { submitCertificate, type CertificateSubmission } from '../../shared/certificates/submit-certificate.ts';
import { listRecalls } from '../../shared/recalls/list-recalls.ts';
import { createRecall, type NewRecall } from '../../shared/recalls/create-recall.ts';
import { getAccountSettings, setSubmissionMail } from '../../shared/users/submission-mail-setting.ts';
import { actorFor } from '../support/actors.ts';
import { demo, demoDatabase } from '../support/demo.ts';

/** The error code `p` is refused with, or 'done'. */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'done';
  } catch (e) {
    if (isAppError(e)) return e.code;
    throw e;
  }
}

describe('page permissions agree with the use cases that refuse', () => {
  let t: Awaited<ReturnType<typeof demoDatabase>>;
  let ctx: FilesContext;
  const actors = {} as Record<Role, Actor>;
  const rp = { id: 'localhost', name: 'Lotbridge', origin: 'http://localhost' };
  const emptyRecall: NewRecall = { recallNumber: '', classifications: [], reason: '', hazard: '', actions: [], products: [], responseDeadline: '', effectivenessLevel: 'B', noticeLanguages: [] };
  const uploads = () => ({ maxBytes: 1024 * 1024 });

  beforeAll(async () => {
    t = await demoDatabase('page-permissions-');
    ctx = t.ctx;
    const db: Db = t.db;
    for (const role of roles) actors[role] = await actorFor(db, demo(role).email);
  });
  afterAll(async () => {
    t.db.close();
    t.dir.remove();
  });

  it('lots: submitting is offered to and allowed for a supplier user only', async () => {
    for (const role of ['supplier_user', 'manufacturer_qa', 'manufacturer_admin'] as const) {
      const offered = (await listLots(ctx, actors[role])).permissions.submit;
      expect(offered, role).toBe(role === 'supplier_user');
    }
    for (const role of roles) {
      const refused = (await outcome(submitLots(ctx, actors[role], { source: 'form', lots: [] }))) === 'forbidden';
      expect(refused, role).toBe(role !== 'supplier_user');
    }
  });

  it('invoices: submitting is offered to and allowed for a supplier user only', async () => {
    for (const role of ['supplier_user', 'manufacturer_qa', 'manufacturer_admin'] as const) {
      expect((await listInvoices(ctx, actors[role])).permissions.submit, role).toBe(role === 'supplier_user');
    }
    for (const role of roles) {
      const refused = (await outcome(submitInvoice(ctx, actors[role], {} as InvoiceSubmission))) === 'forbidden';
      expect(refused, role).toBe(role !== 'supplier_user');
    }
  });

  it('certificates: the upload is offered to and allowed for a supplier user only', async () => {
    for (const role of ['supplier_user', 'manufacturer_qa', 'manufacturer_admin'] as const) {
      expect((await listCertificates(ctx, actors[role])).permissions.upload, role).toBe(role === 'supplier_user');
    }
    for (const role of roles) {
      const refused = (await outcome(submitCertificate(ctx, actors[role], uploads(), {} as CertificateSubmission))) === 'forbidden';
      expect(refused, role).toBe(role !== 'supplier_user');
    }
  });

  it('recalls: recording one is offered to and allowed for manufacturer QA only [REQ-P11-ACCESS-02]', async () => {
    for (const role of ['distributor_user', 'manufacturer_qa', 'manufacturer_admin'] as const) {
      expect((await listRecalls(ctx, actors[role])).permissions.create, role).toBe(role === 'manufacturer_qa');
    }
    for (const role of roles) {
      const refused = (await outcome(createRecall(ctx, actors[role], rp, { ...emptyRecall, credential: { password: '' } }))) === 'forbidden';
      expect(refused, role).toBe(role !== 'manufacturer_qa');
    }
  });

  it('account: the mail about submissions is offered to and settable by a supplier user only', async () => {
    for (const role of roles) {
      expect((await getAccountSettings(ctx, actors[role])).permissions.setSubmissionMail, role).toBe(role === 'supplier_user');
      const refused = (await outcome(setSubmissionMail(ctx, actors[role], { on: true }))) === 'forbidden';
      expect(refused, role).toBe(role !== 'supplier_user');
    }
  });
});
