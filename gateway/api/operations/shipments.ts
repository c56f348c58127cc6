// /api/v1/shipments: the manufacturer's shipments to the caller (a distributor), as the ERP
// reported them: the trace base its recall notices are computed from.
import type { ApiOperation } from '../operation.ts';
import { apiSchema } from '../schemas.ts';
import { encodeCursor, listOf, listQuery } from '../list.ts';
import { keysetAfter } from '../keyset-after.ts';
import { listShipments, shipmentSorts } from '../../../shared/shipments/list-shipments.ts';
import { getShipment } from '../../../shared/shipments/get-shipment.ts';

const who =
  "A distributor's key sees the shipments to its organisation; another organisation's shipment is 404, like one that does not exist. A supplier's key is refused (403): a supplier's despatches (DESADV, the lot forms) are lots, read them under /lots.";

const shipmentFields = {
  id: { type: 'string' },
  shipmentNumber: { type: 'string', description: "The ERP's shipment number." },
  distributor: { type: 'object', required: ['id', 'name'], additionalProperties: false, properties: { id: { type: 'string' }, name: { type: 'string' } } },
  dispatchedAt: { type: 'string', description: 'When it was dispatched, as the ERP reported it.' },
  recordedAt: { type: 'string', format: 'date-time', description: 'When Lotbridge recorded it.' },
  units: { type: 'integer', minimum: 0 },
};

export const ShipmentSummarySchema = apiSchema('ShipmentSummary', {
  type: 'object',
  required: ['id', 'shipmentNumber', 'distributor', 'dispatchedAt', 'recordedAt', 'lines', 'units'],
  additionalProperties: false,
  properties: { ...shipmentFields, lines: { type: 'integer', minimum: 0, description: 'How many lines it has.' } },
});

export const ShipmentSchema = apiSchema('Shipment', {
  type: 'object',
  required: ['id', 'shipmentNumber', 'distributor', 'dispatchedAt', 'recordedAt', 'units', 'lines'],
  additionalProperties: false,
  properties: {
    ...shipmentFields,
    lines: {
      type: 'array',
      items: {
        type: 'object',
        required: ['lineNumber', 'gtin', 'lot', 'serials', 'quantity', 'expiryDate'],
        additionalProperties: false,
        properties: {
          lineNumber: { type: 'integer', minimum: 1 },
          gtin: { type: 'string', format: 'gtin' },
          lot: { type: ['string', 'null'] },
          serials: { type: 'array', items: { type: 'string' } },
          quantity: { type: 'integer', minimum: 0 },
          expiryDate: { type: ['string', 'null'], format: 'date' },
        },
      },
    },
  },
});

const example = {
  id: 'shp_3c5e7g9j3l5n7q9s3u5w7y9a3c5e7g9j',
  shipmentNumber: 'SHP-2026-00412',
  distributor: { id: 'org_r2h5k7m9p3s5v7x9z3b5d7f9h3k5m7p9', name: 'Rhein Medical Distribution GmbH' },
  dispatchedAt: '2026-04-02T14:00:00Z',
  recordedAt: '2026-04-02T14:00:03.120Z',
  units: 60,
};

export const shipmentsOperations: ApiOperation[] = [
  {
    operationId: 'listShipments',
    method: 'get',
    path: '/shipments',
    tags: ['Shipments'],
    summary: 'Shipments to the caller',
    description: `The manufacturer's shipments as the ERP reported them, newest dispatch first by default. Filters: \`gtin\` and \`lot\` (a shipment with a line of them). ${who}`,
    scope: 'shipments:read',
    query: listQuery({
      sorts: shipmentSorts,
      defaultOrder: 'desc',
      filters: {
        gtin: { type: 'string', format: 'gtin', description: 'Only shipments with a line of this GTIN.' },
        lot: { type: 'string', minLength: 1, maxLength: 20, description: 'Only shipments with a line of this lot.' },
      },
    }),
    responses: { 200: { description: 'A page of shipments.', schema: listOf(ShipmentSummarySchema), example: { items: [{ ...example, lines: 1 }], nextCursor: null } } },
    async handle({ ctx, caller, query }) {
      const list = await listShipments(ctx, caller.actor, {
        gtin: query.gtin as string | undefined,
        lot: query.lot as string | undefined,
        sort: query.sort as (typeof shipmentSorts)[number],
        order: query.order as 'asc' | 'desc',
        limit: query.limit as number,
        after: keysetAfter(query.cursor),
      });
      return { status: 200, body: { items: list.items, nextCursor: list.next ? encodeCursor({ k: list.next.key, id: list.next.id }) : null } };
    },
  },
  {
    operationId: 'getShipment',
    method: 'get',
    path: '/shipments/{shipmentId}',
    tags: ['Shipments'],
    summary: 'One shipment to the caller, line by line',
    description: `Its lines (GTIN, lot, serials, quantity, expiry) as the ERP reported them. ${who}`,
    scope: 'shipments:read',
    pathParams: { type: 'object', required: ['shipmentId'], additionalProperties: false, properties: { shipmentId: { type: 'string', minLength: 1, maxLength: 100 } } },
    responses: {
      200: {
        description: 'The shipment.',
        schema: ShipmentSchema,
        example: { ...example, lines: [{ lineNumber: 1, gtin: '04012345678901', lot: 'L2405', serials: [], quantity: 60, expiryDate: '2028-03-31' }] },
      },
    },
    async handle({ ctx, caller, params }) {
      return { status: 200, body: await getShipment(ctx, caller.actor, params.shipmentId!) };
    },
  },
];
