// /api/v1/items: the products a partner may see (a supplier those ordered from it or delivered by
// it, a distributor those shipped to it), by GTIN: what its system needs to submit lots or match
// shipments against the manufacturer's master data.
import type { ApiOperation } from '../operation.ts';
import { apiSchema } from '../schemas.ts';
import { listOf, listQuery } from '../list.ts';
import { listItems } from '../../../shared/items/list-items.ts';
import { getItem } from '../../../shared/items/get-item.ts';
import type { Item } from '../../../shared/items/item.ts';
import { afterCursor, nextCursor } from '../keyset-cursor.ts';

export const ItemSchema = apiSchema('Item', {
  type: 'object',
  description: 'A product as the manufacturer\'s ERP describes it.',
  required: ['gtin', 'description', 'unitOfMeasure', 'deviceClass', 'tradeName', 'model', 'updatedAt'],
  additionalProperties: false,
  properties: {
    gtin: { type: 'string', description: 'GTIN-14.', examples: ['09506000134352'] },
    description: { type: 'string', examples: ['Catheter hub, moulded, sterile'] },
    unitOfMeasure: { type: 'string', examples: ['EA'] },
    deviceClass: { type: ['string', 'null'], description: 'The medical device class, when the ERP gives one.', examples: ['II'] },
    tradeName: { type: ['string', 'null'] },
    model: { type: ['string', 'null'] },
    updatedAt: { type: 'string', format: 'date-time', description: 'When the ERP last changed it.' },
  },
});

const itemBody = (i: Item) => ({ ...i });

const example = {
  gtin: '09506000134352',
  description: 'Catheter hub, moulded, sterile',
  unitOfMeasure: 'EA',
  deviceClass: 'II',
  tradeName: null,
  model: 'CH-20',
  updatedAt: '2026-03-01T06:00:00.000Z',
};

export const itemsOperations: ApiOperation[] = [
  {
    operationId: 'listItems',
    method: 'get',
    path: '/items',
    tags: ['Items'],
    summary: 'The items you may see',
    description: 'A supplier sees the items on its purchase orders and its lots; a distributor the items shipped to it. In GTIN order.',
    scope: 'items:read',
    query: listQuery({
      sorts: ['gtin'],
      filters: {
        gtin: { type: 'string', maxLength: 14, description: 'A GTIN, or part of one.' },
        q: { type: 'string', maxLength: 200, description: 'Part of the description, trade name or model.' },
      },
    }),
    responses: { 200: { description: 'A page of items.', schema: listOf(ItemSchema) } },
    async handle({ caller, ctx, query }) {
      const q = query as { cursor?: string; limit?: number; gtin?: string; q?: string };
      const list = await listItems(ctx, caller.actor, { gtin: q.gtin, q: q.q, after: afterCursor(q.cursor), limit: q.limit ?? 50 });
      return { status: 200, body: { items: list.items.map(itemBody), nextCursor: nextCursor(list.next) } };
    },
  },
  {
    operationId: 'getItem',
    method: 'get',
    path: '/items/{gtin}',
    tags: ['Items'],
    summary: 'One item, by GTIN',
    scope: 'items:read',
    pathParams: {
      type: 'object',
      required: ['gtin'],
      additionalProperties: false,
      properties: { gtin: { type: 'string', minLength: 8, maxLength: 14, description: 'GTIN-8/12/13/14.', examples: ['09506000134352'] } },
    },
    responses: { 200: { description: 'The item.', schema: ItemSchema, example } },
    async handle({ caller, ctx, params }) {
      return { status: 200, body: itemBody(await getItem(ctx, caller.actor, params.gtin!)) };
    },
  },
];
