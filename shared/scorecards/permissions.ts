// Who may do what with scorecards, written once for the use cases and the pages.
import { permission } from '../auth/permission.ts';

/** A supplier's users read their own card; manufacturer staff read every card and the ranking. */
export const readScorecards = permission('manufacturer_qa', 'manufacturer_admin', 'supplier_user');
/** Manufacturer staff see every supplier, ranked. */
export const rankScorecards = permission('manufacturer_qa', 'manufacturer_admin');
/** Changing the weights of the overall score is QA's decision, signed. */
export const setScorecardWeights = permission('manufacturer_qa');
