// Who may use the EDI message log. The manufacturer's QA reads it (what came in, what became of
// it); only an administrator downloads raw bytes (whole partner documents, outside the portal's
// record views) and reprocesses a message (it changes records).
import { requireRole, type Actor } from '../../auth/actor.ts';

export function authoriseEdiLogReader(actor: Actor): void {
  requireRole(actor, 'manufacturer_admin', 'manufacturer_qa');
}

export function authoriseEdiLogOperator(actor: Actor): void {
  requireRole(actor, 'manufacturer_admin');
}
