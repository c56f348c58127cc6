// Every operation of /api/v1: one import line per resource module (gateway/api/operations/<resource>.ts).
import type { ApiOperation } from '../operation.ts';
import { meOperations } from './me.ts';
import { invoicesOperations } from './invoices.ts';
import { ordersOperations } from './orders.ts';

export const apiOperations: ApiOperation[] = [
  ...meOperations,
  ...invoicesOperations,
  ...ordersOperations,
];
