// Every operation of /api/v1: one import line per resource module (gateway/api/operations/<resource>.ts).
import type { ApiOperation } from '../operation.ts';
import { meOperations } from './me.ts';
import { lotsOperations } from './lots.ts';
import { certificatesOperations } from './certificates.ts';
import { itemsOperations } from './items.ts';
import { invoicesOperations } from './invoices.ts';
import { ordersOperations } from './orders.ts';
import { supplierApprovalsOperations } from './supplier-approvals.ts';
import { scarsOperations } from './scars.ts';
import { recallsOperations } from './recalls.ts';
import { shipmentsOperations } from './shipments.ts';
import { webhooksOperations } from './webhooks.ts';

export const apiOperations: ApiOperation[] = [
  ...meOperations,
  ...lotsOperations,
  ...certificatesOperations,
  ...itemsOperations,
  ...invoicesOperations,
  ...ordersOperations,
  ...supplierApprovalsOperations,
  ...scarsOperations,
  ...recallsOperations,
  ...shipmentsOperations,
  ...webhooksOperations,
];
