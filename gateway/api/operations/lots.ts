// /api/v1/lots: a supplier's system submits lots (one or many in one request, all or nothing by
// default, as the portal's CSV upload) and reads them back, through the same use cases as the
// portal's form and the EDIFACT DESADV: a lot from here is the same audited record with the same
// lot.submitted event; only its source says 'api'.
import type { ApiOperation, JsonSchema } from '../operation.ts';
import { apiSchema, FieldErrorSchema } from '../schemas.ts';
import { listOf, listQuery } from '../list.ts';
import { afterCursor, nextCursor } from '../keyset-cursor.ts';
import { inRequestShape } from '../problems.ts';
import { submitLots, type LotInput } from '../../../shared/lots/submit-lots.ts';
import { listLots, type LotListItem } from '../../../shared/lots/list-lots.ts';
import { getLot } from '../../../shared/lots/get-lot.ts';
import { inspectionOutcomes, lotSources, lotStates, type Lot, type LotState, type RowProblem } from '../../../shared/lots/lot.ts';
import { translateProblem } from '../../../shared/i18n/index.ts';

const date = { type: ['string', 'null'], format: 'date', examples: ['2028-02-29'] };
const purchaseOrder = {
  type: ['object', 'null'],
  description: 'The purchase order line the lot was delivered against; null when submitted against the item.',
  required: ['poNumber', 'lineNumber'],
  additionalProperties: false,
  properties: { poNumber: { type: 'string' }, lineNumber: { type: 'integer', minimum: 1 } },
};

export const LotInputSchema = apiSchema('LotInput', {
  type: 'object',
  description:
    'One lot as the portal form takes it. The GTIN must be an item the ERP knows, or ordered on the referenced purchase order line of your organisation; ' +
    'give the line when the order has the GTIN on more than one line.',
  required: ['gtin', 'lot', 'quantity'],
  additionalProperties: false,
  properties: {
    gtin: { type: 'string', description: 'GTIN-8/12/13/14 with a valid check digit (AI 01); stored as GTIN-14.', examples: ['09506000134352'] },
    lot: { type: 'string', description: 'The lot or batch (AI 10), 1 to 20 characters.', examples: ['L2403A'] },
    serials: { type: 'array', items: { type: 'string' }, description: 'Serial numbers (AI 21), each at most 20 characters: none, or as many as the quantity.' },
    manufactureDate: { type: 'string', description: 'YYYY-MM-DD (AI 11): not in the future, not before 2000.', examples: ['2026-02-10'] },
    expiryDate: { type: 'string', description: 'YYYY-MM-DD (AI 17): not before the manufacture date, at most 30 years ahead.', examples: ['2028-02-29'] },
    quantity: { type: 'integer', description: 'At least 1.', examples: [2] },
    poNumber: { type: 'string', description: 'Deliver against this purchase order of your organisation (else against the item).', examples: ['4500012345'] },
    poLine: { type: 'integer', description: 'The order line; needed only when the GTIN is on more than one line.', examples: [1] },
    certificate: { type: 'string', description: 'A CoC / CoA of your organisation: its series id or its certificate number.', examples: ['COC-2026-0142'] },
    certificateNote: { type: 'string', description: 'A note about the CoC / CoA, at most 500 characters.', examples: ['CoC travels with the goods'] },
  },
});

const lotProperties = {
  id: { type: 'string', examples: ['lot_7m3kq2x5wn4p6r8t2v4x6z8b2d4f6h8j'] },
  gtin: { type: 'string', description: 'GTIN-14.', examples: ['09506000134352'] },
  itemDescription: { type: ['string', 'null'], description: "The item's description in the ERP." },
  lot: { type: 'string' },
  serials: { type: 'array', items: { type: 'string' } },
  manufactureDate: date,
  expiryDate: date,
  quantity: { type: 'integer', minimum: 1 },
  purchaseOrder,
  certificate: {
    type: ['object', 'null'],
    description: 'The CoC / CoA the lot names; null when none.',
    required: ['seriesId', 'number', 'type'],
    additionalProperties: false,
    properties: { seriesId: { type: 'string' }, number: { type: 'string' }, type: { enum: ['coc', 'coa'] } },
  },
  certificateNote: { type: ['string', 'null'] },
  source: { enum: [...lotSources], description: 'How the lot came in: the portal form, a CSV upload, a GS1 barcode, an EDIFACT DESADV or this API.' },
  state: {
    enum: [...lotStates],
    description: "Submitted (awaiting the manufacturer's incoming inspection), then released, released with a deviation, or rejected.",
  },
  submittedAt: { type: 'string', format: 'date-time' },
  submittedBy: {
    type: 'object',
    description: 'Who submitted it: a person, or the technical user of an API key.',
    required: ['id', 'name'],
    additionalProperties: false,
    properties: { id: { type: 'string' }, name: { type: 'string' } },
  },
} satisfies Record<string, JsonSchema>;

export const LotSchema = apiSchema('Lot', {
  type: 'object',
  description: 'A lot record as submitted. It is never edited.',
  required: Object.keys(lotProperties),
  additionalProperties: false,
  properties: lotProperties,
});

export const LotDetailSchema = apiSchema('LotDetail', {
  type: 'object',
  description: 'A lot record with what was ordered on its order line and delivered on it so far (all lots together).',
  required: [...Object.keys(lotProperties), 'orderLine', 'inspection'],
  additionalProperties: false,
  properties: {
    ...lotProperties,
    orderLine: {
      type: ['object', 'null'],
      required: ['ordered', 'delivered'],
      additionalProperties: false,
      properties: { ordered: { type: 'integer', minimum: 0 }, delivered: { type: 'integer', minimum: 0 } },
    },
    inspection: {
      type: ['object', 'null'],
      description: "The manufacturer's incoming inspection and its decision (signed by QA); null while the lot awaits it.",
      required: ['outcome', 'sampleSize', 'defectsFound', 'measurements', 'deviation', 'reason', 'decidedAt'],
      additionalProperties: false,
      properties: {
        outcome: { enum: [...inspectionOutcomes], description: 'accepted (released), accepted_with_deviation (released, the deviation stated) or rejected (the reason stated).' },
        sampleSize: { type: 'integer', minimum: 1 },
        defectsFound: { type: 'integer', minimum: 0 },
        measurements: {
          type: 'array',
          description: 'The characteristics QA measured on the sample.',
          items: {
            type: 'object',
            required: ['name', 'value', 'unit', 'withinSpec'],
            additionalProperties: false,
            properties: { name: { type: 'string', examples: ['Tube length'] }, value: { type: 'string', examples: ['1502'] }, unit: { type: 'string', examples: ['mm'] }, withinSpec: { type: 'boolean' } },
          },
        },
        deviation: { type: ['string', 'null'], description: 'With accepted_with_deviation: what was accepted although out of specification.' },
        reason: { type: ['string', 'null'], description: 'With rejected: why.' },
        decidedAt: { type: 'string', format: 'date-time' },
      },
    },
  },
});

export const LotSummarySchema = apiSchema('LotSummary', {
  type: 'object',
  description: 'A lot as lists show it (GET /lots/{lotId} has all of it).',
  required: ['id', 'gtin', 'lot', 'serialCount', 'manufactureDate', 'expiryDate', 'quantity', 'purchaseOrder', 'source', 'state', 'submittedAt'],
  additionalProperties: false,
  properties: {
    id: lotProperties.id,
    gtin: lotProperties.gtin,
    lot: lotProperties.lot,
    serialCount: { type: 'integer', minimum: 0 },
    manufactureDate: date,
    expiryDate: date,
    quantity: lotProperties.quantity,
    purchaseOrder,
    source: lotProperties.source,
    state: lotProperties.state,
    submittedAt: lotProperties.submittedAt,
  },
});

export const LotSubmissionSchema = apiSchema('LotSubmission', {
  type: 'object',
  required: ['lots'],
  additionalProperties: false,
  properties: {
    lots: { type: 'array', minItems: 1, maxItems: 5000, items: LotInputSchema, description: 'One lot or many (at most 5000).' },
    keepValid: {
      type: 'boolean',
      default: false,
      description: 'Store the valid lots even when others are refused (then listed under `rejected`). By default nothing is stored when any lot is refused.',
    },
  },
});

export const LotSubmissionResultSchema = apiSchema('LotSubmissionResult', {
  type: 'object',
  required: ['lots', 'rejected', 'warnings'],
  additionalProperties: false,
  properties: {
    lots: { type: 'array', items: LotSchema, description: 'The stored lots, in the order they were sent.' },
    rejected: { type: 'array', items: FieldErrorSchema, description: 'With keepValid: the problems of the lots that were not stored.' },
    warnings: { type: 'array', items: FieldErrorSchema, description: 'Accepted but worth a look, e.g. more delivered on an order line than was ordered.' },
  },
});

/** submitLots' columns (as the CSV names them) → the request's field names. */
const fieldOf: Record<string, string> = {
  manufacture_date: 'manufactureDate',
  expiry_date: 'expiryDate',
  po_number: 'poNumber',
  po_line: 'poLine',
  certificate_note: 'certificateNote',
};

/** A row problem's place in the request: row 1's `po_line` → `lots/0/poLine`. */
function requestPath(row: number, column: string | null): string {
  return column ? `lots/${row - 1}/${fieldOf[column] ?? column}` : `lots/${row - 1}`;
}

/** submitLots' field paths in the request: `rows/1/po_line` → `lots/0/poLine`. */
function rowsToLots(field: string): string | undefined {
  const [head, row, column] = field.split('/');
  return head === 'rows' && row ? requestPath(Number(row), column ?? null) : undefined;
}

const fieldError = ({ row, column, ...p }: RowProblem) => ({
  pointer: `/${requestPath(row, column)}`,
  code: p.code,
  ...(p.params && { params: p.params }),
  detail: translateProblem('en', p),
});

function lotBody(l: Lot) {
  return {
    id: l.id,
    gtin: l.gtin,
    itemDescription: l.itemDescription,
    lot: l.lot,
    serials: l.serials,
    manufactureDate: l.manufactureDate,
    expiryDate: l.expiryDate,
    quantity: l.quantity,
    purchaseOrder: l.purchaseOrder ? { poNumber: l.purchaseOrder.poNumber, lineNumber: l.purchaseOrder.lineNumber } : null,
    certificate: l.certificate ? { seriesId: l.certificate.seriesId, number: l.certificate.number, type: l.certificate.type } : null,
    certificateNote: l.certificateNote,
    source: l.source,
    state: l.state,
    submittedAt: l.submittedAt,
    submittedBy: { id: l.submittedBy.id, name: l.submittedBy.name },
  };
}

const summaryBody = (l: LotListItem) => ({
  id: l.id,
  gtin: l.gtin,
  lot: l.lot,
  serialCount: l.serialCount,
  manufactureDate: l.manufactureDate,
  expiryDate: l.expiryDate,
  quantity: l.quantity,
  purchaseOrder: l.purchaseOrder,
  source: l.source,
  state: l.state,
  submittedAt: l.submittedAt,
});

const exampleLot = {
  id: 'lot_7m3kq2x5wn4p6r8t2v4x6z8b2d4f6h8j',
  gtin: '09506000134352',
  itemDescription: 'Catheter hub, moulded, sterile',
  lot: 'L2403A',
  serials: ['SN0001', 'SN0002'],
  manufactureDate: '2026-02-10',
  expiryDate: '2028-02-29',
  quantity: 2,
  purchaseOrder: { poNumber: '4500012345', lineNumber: 1 },
  certificate: null,
  certificateNote: 'CoC travels with the goods',
  source: 'api',
  state: 'submitted',
  submittedAt: '2026-03-02T09:15:00.000Z',
  submittedBy: { id: 'usr_b3kq7yv2m5nz4c6dxa1ehtpw', name: 'ERP export (API key)' },
};

export const lotsOperations: ApiOperation[] = [
  {
    operationId: 'submitLots',
    method: 'post',
    path: '/lots',
    tags: ['Lots'],
    summary: 'Submit lots (one or many)',
    description:
      'Every lot is checked in full, as the portal checks its form and CSV upload, and every problem of every lot is answered at once (a 400 problem whose `errors` point into the request, e.g. `/lots/0/gtin`). ' +
      'By default nothing is stored when any lot is refused; with `keepValid` the valid ones are. Each stored lot is audited under the key and announced to the ERP (`lot.submitted`). ' +
      'A lot submitted before (the same GTIN and lot) is refused, naming the existing record.',
    scope: 'lots:write',
    body: {
      json: LotSubmissionSchema,
      example: { lots: [{ gtin: '09506000134352', lot: 'L2403A', serials: ['SN0001', 'SN0002'], manufactureDate: '2026-02-10', expiryDate: '2028-02-29', quantity: 2, poNumber: '4500012345', poLine: 1 }] },
    },
    responses: { 201: { description: 'The lots were stored.', schema: LotSubmissionResultSchema, example: { lots: [exampleLot], rejected: [], warnings: [] } } },
    async handle({ caller, ctx, body }) {
      const submission = body as { lots: LotInput[]; keepValid?: boolean };
      const result = await inRequestShape(submitLots(ctx, caller.actor, { source: 'api', lots: submission.lots, keepValid: submission.keepValid ?? false }), rowsToLots);
      const only = result.stored.length === 1 ? result.stored[0] : undefined;
      return {
        status: 201,
        body: { lots: result.stored.map(lotBody), rejected: result.rejected.map(fieldError), warnings: result.warnings.map(fieldError) },
        ...(only && { headers: { Location: `/api/v1/lots/${only.id}` } }),
      };
    },
  },
  {
    operationId: 'listLots',
    method: 'get',
    path: '/lots',
    tags: ['Lots'],
    summary: "Your organisation's lots",
    description:
      "Filtered as the portal's lot list: GTIN (or part of one), lot (part of it), purchase order, flagged (over-delivered order line, or a rejected CoC / CoA), state (awaiting inspection, released, released with deviation, rejected). Newest first unless sorted otherwise.",
    scope: 'lots:read',
    query: listQuery({
      sorts: ['submitted', 'expiry'],
      defaultOrder: 'desc',
      filters: {
        gtin: { type: 'string', maxLength: 14, description: 'A GTIN, or part of one.' },
        lot: { type: 'string', maxLength: 20, description: 'Part of a lot number.' },
        poNumber: { type: 'string', maxLength: 64, description: 'Lots delivered against this purchase order.' },
        flagged: { type: 'boolean', description: 'Only the lots flagged for attention: their order line is over-delivered, or the CoC / CoA they name was rejected.' },
        state: { enum: [...lotStates], description: 'Only the lots in this state: submitted is awaiting inspection.' },
      },
    }),
    responses: { 200: { description: 'A page of lots.', schema: listOf(LotSummarySchema) } },
    async handle({ caller, ctx, query }) {
      const q = query as { cursor?: string; limit?: number; sort?: 'submitted' | 'expiry'; order?: 'asc' | 'desc'; gtin?: string; lot?: string; poNumber?: string; flagged?: boolean; state?: LotState };
      const list = await listLots(ctx, caller.actor, {
        gtin: q.gtin,
        lot: q.lot,
        poNumber: q.poNumber,
        flagged: q.flagged ?? false,
        state: q.state,
        sort: q.sort ?? 'submitted',
        order: q.order ?? 'desc',
        after: afterCursor(q.cursor),
        limit: q.limit ?? 50,
      });
      return { status: 200, body: { items: list.items.map(summaryBody), nextCursor: nextCursor(list.next) } };
    },
  },
  {
    operationId: 'getLot',
    method: 'get',
    path: '/lots/{lotId}',
    tags: ['Lots'],
    summary: 'One lot',
    scope: 'lots:read',
    description: "With what was ordered and delivered on its order line and, once QA decided, the incoming inspection's outcome and results.",
    responses: {
      200: {
        description: 'The lot.',
        schema: LotDetailSchema,
        example: {
          ...exampleLot,
          state: 'released',
          orderLine: { ordered: 10, delivered: 2 },
          inspection: {
            outcome: 'accepted',
            sampleSize: 2,
            defectsFound: 0,
            measurements: [{ name: 'Tube length', value: '1502', unit: 'mm', withinSpec: true }],
            deviation: null,
            reason: null,
            decidedAt: '2026-03-04T14:20:00.000Z',
          },
        },
      },
    },
    async handle({ caller, ctx, params }) {
      const { lot, orderLine, inspection: i } = await getLot(ctx, caller.actor, params.lotId!);
      return {
        status: 200,
        body: {
          ...lotBody(lot),
          orderLine: orderLine ? { ordered: orderLine.ordered, delivered: orderLine.delivered } : null,
          // QA's results and decision; who signed it stays on the manufacturer's side.
          inspection: i
            ? { outcome: i.outcome, sampleSize: i.sampleSize, defectsFound: i.defectsFound, measurements: i.measurements, deviation: i.deviation, reason: i.reason, decidedAt: i.decidedAt }
            : null,
        },
      };
    },
  },
];
