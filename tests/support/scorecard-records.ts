// Hand-made records for the scorecard tests: rows written straight into the tables the measures
// read (lots against purchase order lines, inspections, certificates, approvals, invoices with the
// ERP's statuses, SCAR steps), with the dates a test names, so expected figures can be exact.
import type { Db } from '../../shared/db/index.ts';
import { newId } from '../../shared/ids.ts';

const hash = '0'.repeat(64);

export class ScorecardRecords {
  private seq = 0;
  constructor(
    private db: Db,
    /** A manufacturer QA user (signs inspections, opens SCARs). */
    private qaUserId: string,
    private manufacturerId: string,
  ) {}

  private next(prefix: string) {
    return `${prefix}-${++this.seq}`;
  }

  private async signature(entityType: string, at: string): Promise<string> {
    const id = newId('sig');
    await this.db.run(
      `INSERT INTO signatures (id, entity_type, entity_id, record_hash, meaning, signer_id, signer_name, signer_email, organisation_id, method, signed_at)
       VALUES (?, ?, ?, ?, 'approval', ?, 'QA', 'qa@example.test', ?, 'password', ?)`,
      [id, entityType, id, hash, this.qaUserId, this.manufacturerId, at],
    );
    return id;
  }

  /** A purchase order to the supplier whose lines have these delivery dates (null: none); its id. */
  async order(supplierId: string, deliveryDates: (string | null)[]): Promise<string> {
    const id = newId('po');
    await this.db.run("INSERT INTO purchase_orders (id, po_number, supplier_organisation_id, status, currency, order_date, version, updated_at) VALUES (?, ?, ?, 'open', 'EUR', '2026-01-02', 1, '2026-01-02T00:00:00Z')", [
      id,
      this.next('PO'),
      supplierId,
    ]);
    for (const [i, date] of deliveryDates.entries()) {
      await this.db.run("INSERT INTO purchase_order_lines (purchase_order_id, line_number, gtin, quantity, unit_price, delivery_date) VALUES (?, ?, '09506000134352', 100, '1.00', ?)", [id, i + 1, date]);
    }
    return id;
  }

  /** A lot of the supplier submitted at `at`, against an order line or none; its id. */
  async lot(supplier: { id: string; userId: string }, at: string, line?: { orderId: string; lineNumber: number }): Promise<string> {
    const id = newId('lot');
    await this.db.run(
      `INSERT INTO lots (id, organisation_id, purchase_order_id, po_line_number, gtin, lot, quantity, source, state, submitted_by, submitted_at, record_hash)
       VALUES (?, ?, ?, ?, '09506000134352', ?, 10, 'form', 'submitted', ?, ?, ?)`,
      [id, supplier.id, line?.orderId ?? null, line?.lineNumber ?? null, this.next('L'), supplier.userId, at, hash],
    );
    return id;
  }

  async inspection(lotId: string, outcome: 'accepted' | 'accepted_with_deviation' | 'rejected', at: string): Promise<void> {
    await this.db.run(
      `INSERT INTO lot_inspections (id, lot_id, outcome, sample_size, defects_found, deviation, reason, decided_by, decided_at, signature_id, record_hash)
       VALUES (?, ?, ?, 5, 0, ?, ?, ?, ?, ?, ?)`,
      [newId('insp'), lotId, outcome, outcome === 'accepted_with_deviation' ? 'within tolerance' : null, outcome === 'rejected' ? 'defects' : null, this.qaUserId, at, await this.signature('lot_inspection', at), hash],
    );
  }

  /** An approved supplier list entry requiring these certificate types. */
  async approval(supplierId: string, required: string[]): Promise<void> {
    await this.db.run(
      `INSERT INTO supplier_approvals (id, supplier_id, item_category, status, required_certificates, reason, decided_at, created_at)
       VALUES (?, ?, ?, 'approved', ?, 'test', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')`,
      [newId('asl'), supplierId, this.next('CAT'), JSON.stringify(required)],
    );
  }

  /** A certificate version in a state, valid from/to, decided (approved or rejected) at `decidedAt`. */
  async certificate(supplier: { id: string; userId: string }, c: { type: string; state: string; validFrom: string; validTo: string; decidedAt: string | null }): Promise<void> {
    const file = newId('file');
    await this.db.run("INSERT INTO stored_files (id, organisation_id, sha256, size_bytes, content_type, original_name, storage_key, uploaded_by, uploaded_at) VALUES (?, ?, ?, 1, 'application/pdf', 'c.pdf', ?, ?, '2024-01-01T00:00:00Z')", [
      file,
      supplier.id,
      hash,
      file,
      supplier.userId,
    ]);
    await this.db.run(
      `INSERT INTO certificates (id, series_id, version, organisation_id, type, number, issuer, scope, covers, valid_from, valid_to, file_id, record_hash, state, submitted_by, submitted_at, decided_at, decided_by)
       VALUES (?, ?, 1, ?, ?, ?, 'TÜV', 'all', '{}', ?, ?, ?, ?, ?, ?, '2024-01-01T00:00:00Z', ?, ?)`,
      [newId('cert'), newId('series'), supplier.id, c.type, this.next('C'), c.validFrom, c.validTo, file, hash, c.state, supplier.userId, c.decidedAt, c.decidedAt ? this.qaUserId : null],
    );
  }

  /** An invoice of the supplier submitted at `at` with the ERP's statuses in order; its number. */
  async invoice(supplier: { id: string; userId: string }, orderId: string, at: string, statuses: string[], number = this.next('INV')): Promise<string> {
    await this.db.run(
      `INSERT INTO invoices (id, organisation_id, invoice_number, invoice_date, due_date, currency, purchase_order_id, net_total, tax_total, gross_total, tax_breakdown, state, record_hash, submitted_by, submitted_at)
       VALUES (?, ?, ?, '2026-02-01', '2026-03-01', 'EUR', ?, '100.00', '19.00', '119.00', '[]', 'submitted', ?, ?, ?)`,
      [newId('inv'), supplier.id, number, orderId, hash, supplier.userId, at],
    );
    await this.statuses(supplier.id, number, statuses, at);
    return number;
  }

  /** The ERP's status updates of an invoice number of the supplier (whether or not the invoice came in through Lotbridge). */
  async statuses(supplierId: string, number: string, statuses: string[], at: string): Promise<void> {
    for (const status of statuses) {
      await this.db.run('INSERT INTO invoice_status_updates (id, invoice_number, supplier_organisation_id, status, reason, occurred_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        newId('isu'),
        number,
        supplierId,
        status,
        status === 'disputed' ? 'price' : null,
        at,
        at,
      ]);
    }
  }

  /** A SCAR against the supplier with steps (due date, first submission or null); its id. */
  async scar(supplierId: string, state: 'open' | 'cancelled', steps: { due: string; firstSubmittedAt: string | null }[]): Promise<string> {
    const id = newId('scar');
    const at = '2026-01-05T00:00:00Z';
    await this.db.run(
      `INSERT INTO scars (id, number, supplier_id, title, problem, severity, state, opened_by, opened_at, open_signature_id, updated_at)
       VALUES (?, ?, ?, 'Burrs', 'Burrs on the housing', 'major', ?, ?, ?, ?, ?)`,
      [id, this.next('SCAR'), supplierId, state, this.qaUserId, at, await this.signature('scar', at), at],
    );
    for (const [i, s] of steps.entries()) {
      await this.db.run('INSERT INTO scar_steps (scar_id, step, due_date, submitted_at, first_submitted_at) VALUES (?, ?, ?, ?, ?)', [id, `D${i + 1}`, s.due, s.firstSubmittedAt, s.firstSubmittedAt]);
    }
    return id;
  }
}
