// Who may see and sign validation reports, once for the page (listValidationReports'
// `permissions`) and the use cases that refuse (approveValidationReport, readValidationFile).
import type { Actor } from '../auth/actor.ts';
import { AppError } from '../errors.ts';
import { permission } from '../auth/permission.ts';

/** The manufacturer's QA and administrators read the reports and the self-check. */
export const readValidation = permission('manufacturer_qa', 'manufacturer_admin');

/** Manufacturer QA uploads a validation report and approves it, signed. */
export const approveValidationReports = permission('manufacturer_qa');

/**
 * Refuses anyone who may not read validation: suppliers and distributors are told the page
 * does not exist (not_found), the manufacturer's other roles that it is not theirs (forbidden).
 */
export function requireValidationReader(actor: Actor): void {
  if (actor.organisationKind !== 'manufacturer') throw new AppError('not_found', 'no such page');
  readValidation.require(actor);
}
