// Who may use the EDI message log. The manufacturer's QA reads it (what came in, what became of
// it); only an administrator downloads raw bytes (whole partner documents, outside the portal's
// record views) and reprocesses a message (it changes records). Once for the pages (the
// `permissions` of getEdiMessage) and the use cases that refuse.
import type { Actor } from '../../auth/actor.ts';
import { permission } from '../../auth/permission.ts';

/** Reading the log: listEdiMessages, getEdiMessage. */
export const readEdiLog = permission('manufacturer_admin', 'manufacturer_qa');

/** Downloading bytes and reprocessing: readEdiBytes, reprocessEdiMessage (reprocess-eligibility.ts). */
export const operateEdiLog = permission('manufacturer_admin');

/** What a message's page offers the actor: the byte downloads (and links to the partner's admin page). */
export function ediMessagePermissions(actor: Pick<Actor, 'role'>): { download: boolean } {
  return { download: operateEdiLog.allows(actor) };
}
