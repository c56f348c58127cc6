// Who may read shipments (manufacturer → distributor, as the ERP reported them): the distributor
// they went to (its own only) and the manufacturer's staff. A supplier's despatches are lots
// (DESADV and the lot forms), not shipments.
import { permission } from '../auth/permission.ts';

/** listShipments, getShipment. */
export const readShipments = permission('distributor_user', 'manufacturer_qa', 'manufacturer_admin');
