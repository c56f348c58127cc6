// What a test reads back as a reader would: a PDF's text (pdftotext) and the events the ERP receives.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../shared/db/index.ts';
import { validateEvent } from '../../shared/events/validate-event.ts';
import { webhookBody } from '../../shared/webhooks/webhook-dispatcher.ts';

let scratch: string | undefined;
let files = 0;

/** A PDF's text as `pdftotext -layout` reads it, all whitespace folded to one space (a wrapped value reads as one sentence). */
export function pdfTextFlat(bytes: Uint8Array | Buffer): string {
  scratch ??= mkdtempSync(join(tmpdir(), 'lotbridge-pdf-'));
  const file = join(scratch, `doc-${++files}.pdf`);
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
}

/** The `data` of every outbound event of `type` in the outbox, in order, each validated against its schema as the webhook would send it. */
export async function outboundEvents(db: Db, type: string): Promise<Record<string, unknown>[]> {
  const rows = await db.all<{ event_type: string; occurred_at: string; payload: string; aggregate_type: string; aggregate_id: string; aggregate_seq: number }>(
    'SELECT event_type, occurred_at, payload, aggregate_type, aggregate_id, aggregate_seq FROM outbox WHERE event_type = ? ORDER BY position',
    [type],
  );
  return rows.map((r) => validateEvent(JSON.parse(webhookBody(r)), 'outbound').data);
}
