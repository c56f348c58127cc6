// /api/v1/recalls: a distributor's recall notices (list, get) and its stock report per lot. The
// signed acknowledgement stays a person's act in the portal: every answer carries
// `links.acknowledge`, the portal page where a person reads the notice and signs the reply.
import type { ApiOperation, ApiRequest } from '../operation.ts';
import { apiSchema } from '../schemas.ts';
import { encodeCursor, listOf, listQuery } from '../list.ts';
import { keysetAfter } from '../keyset-after.ts';
import { AppError } from '../../../shared/errors.ts';
import { isLocale } from '../../../shared/i18n/index.ts';
import { distributorRecallSorts, listRecalls, replyFilters, replyStates, type DistributorRecallItem } from '../../../shared/recalls/list-recalls.ts';
import { getDistributorRecall } from '../../../shared/recalls/get-distributor-recall.ts';
import { noticeInLanguage, noticeActions } from '../../../shared/recalls/get-notice-data.ts';
import { getPassedOn } from '../../../shared/recalls/get-passed-on.ts';
import { reportRecallStock, type StockReport } from '../../../shared/recalls/report-recall-stock.ts';

const recallId = { type: 'string', minLength: 1, maxLength: 100, description: 'The recall id (`rcl_…`).', examples: ['rcl_4f6h8j2k4m6p8r2t4v6x8z2b4d6f8h2j'] };
const dateTime = { type: 'string', format: 'date-time' };
const gtin = { type: 'string', format: 'gtin', description: 'GTIN-14 (the UDI-DI of a GS1 UDI).', examples: ['04012345678901'] };
const lot = { type: ['string', 'null'], maxLength: 20, description: 'The lot number; null for units without one.' };
const count = { type: 'integer', minimum: 0 };

const RecallClassificationSchema = apiSchema('RecallClassification', {
  type: 'object',
  description: 'The recall classification in one jurisdiction, as codes (e.g. US-FDA recall class II, EU-MDR FSCA, CN-NMPA level 2).',
  required: ['jurisdiction', 'type', 'class'],
  additionalProperties: false,
  properties: { jurisdiction: { type: 'string', examples: ['EU-MDR'] }, type: { type: 'string', examples: ['fsca'] }, class: { type: 'string', examples: ['II'] } },
});

const RecallLinksSchema = apiSchema('RecallLinks', {
  type: 'object',
  required: ['acknowledge'],
  additionalProperties: false,
  properties: {
    acknowledge: {
      type: 'string',
      format: 'uri',
      description: 'The portal page where a person of the distributor reads the notice and signs the acknowledgement (21 CFR Part 11). The API offers no signing.',
    },
  },
});

const AcknowledgementStateSchema = apiSchema('RecallAcknowledgementState', {
  enum: [...replyStates],
  description: 'Where the signed reply stands: nothing signed yet, a signed reply, or a signed reply with all stock on hand quarantined.',
});

export const RecallSummarySchema = apiSchema('RecallSummary', {
  type: 'object',
  description: "A recall notice to the caller's organisation, as its recall list in the portal shows it.",
  required: ['id', 'recallNumber', 'state', 'severity', 'classifications', 'issuedAt', 'noticeSentAt', 'responseDeadline', 'overdue', 'acknowledgement', 'links'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    recallNumber: { type: 'string' },
    state: { enum: ['open', 'closed'], description: 'open: the recall runs; closed: QA closed it (no more reports or replies).' },
    severity: { enum: [1, 2, 3], description: 'The highest risk among the classifications: 1 (most serious) to 3.' },
    classifications: { type: 'array', items: RecallClassificationSchema },
    issuedAt: dateTime,
    noticeSentAt: dateTime,
    responseDeadline: { type: ['string', 'null'], format: 'date-time', description: 'The reply deadline of this notice (UTC).' },
    overdue: { type: 'boolean', description: 'The deadline has passed and nothing is signed yet.' },
    acknowledgement: {
      type: 'object',
      required: ['state', 'version'],
      additionalProperties: false,
      properties: { state: AcknowledgementStateSchema, version: { type: 'integer', minimum: 0, description: 'The latest signed reply version; 0 before the first.' } },
    },
    links: RecallLinksSchema,
  },
});

const StockLotSchema = apiSchema('RecallStockLot', {
  type: 'object',
  required: ['gtin', 'lot', 'onHand', 'quarantined'],
  additionalProperties: false,
  properties: { gtin, lot, onHand: { ...count, description: 'Units of the lot on hand.' }, quarantined: { ...count, description: 'Of those, units quarantined (at most onHand).' } },
});

export const RecallStockReportSchema = apiSchema('RecallStockReport', {
  type: 'object',
  description: "A stock report of the distributor's own system: on hand and quarantined per affected lot. No acknowledgement: a person signs that in the portal.",
  required: ['id', 'version', 'source', 'reportedAt', 'lots'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    version: { type: 'integer', minimum: 1, description: 'Each report is a new version; the latest stands.' },
    source: { enum: ['api'] },
    reportedAt: dateTime,
    lots: { type: 'array', items: StockLotSchema },
  },
});

export const RecallSchema = apiSchema('Recall', {
  type: 'object',
  description:
    "A recall notice to the caller's organisation: the notice in the organisation's language, the affected lots with what was shipped to it, its latest stock report, its signed acknowledgement and the customers it named or passed the notice on to.",
  required: ['id', 'recallNumber', 'state', 'severity', 'classifications', 'issuedAt', 'noticeSentAt', 'responseDeadline', 'notice', 'lots', 'stockReport', 'acknowledgement', 'onward', 'links'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    recallNumber: { type: 'string' },
    state: { enum: ['open', 'closed'] },
    severity: { enum: [1, 2, 3] },
    classifications: { type: 'array', items: RecallClassificationSchema },
    issuedAt: dateTime,
    noticeSentAt: dateTime,
    responseDeadline: { type: ['string', 'null'], description: 'The reply deadline (UTC date-time, or a date as the ERP gave it).' },
    notice: {
      type: 'object',
      description: "The field safety notice's texts in `language` where the recall gives them there, else as issued.",
      required: ['language', 'manufacturer', 'reason', 'hazard', 'actions', 'instructions', 'contact', 'authorities'],
      additionalProperties: false,
      properties: {
        language: { enum: ['en', 'zh-CN', 'de'], description: "The organisation's recall language." },
        manufacturer: { type: 'string' },
        srn: { type: 'string', description: "The manufacturer's EU Single Registration Number, when known." },
        reason: { type: 'string' },
        hazard: { type: ['string', 'null'] },
        actions: { type: 'array', items: { enum: [...noticeActions] }, description: 'What the notice asks, after stopping use and distribution.' },
        instructions: { type: 'array', items: { type: 'string' } },
        contact: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: { name: { type: 'string' }, email: { type: 'string' }, phone: { type: 'string' } },
        },
        authorities: {
          type: 'array',
          description: 'The competent authorities informed.',
          items: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string' }, informedOn: { type: 'string', format: 'date' } } },
        },
        fsn: {
          type: 'object',
          description: 'The EU field safety notice reference, type and revision.',
          required: ['reference', 'type', 'revision', 'revisionToAnswer'],
          additionalProperties: false,
          properties: { reference: { type: 'string' }, type: { type: 'string' }, revision: { type: 'integer' }, revisionToAnswer: { type: 'integer', description: 'The revision a reply must answer now.' } },
        },
      },
    },
    lots: {
      type: 'array',
      description: 'The affected lots shipped to the caller, with what was shipped.',
      items: {
        type: 'object',
        required: ['gtin', 'lot', 'quantityShipped', 'serials'],
        additionalProperties: false,
        properties: { gtin, tradeName: { type: 'string' }, model: { type: 'string' }, lot, quantityShipped: count, serials: { type: 'array', items: { type: 'string' } } },
      },
    },
    stockReport: { anyOf: [RecallStockReportSchema, { type: 'null' }], description: 'The latest stock report of the caller (POST …/stock), or null.' },
    acknowledgement: {
      type: 'object',
      description: 'The latest signed reply (signed by a person in the portal).',
      required: ['state', 'version', 'signedAt', 'signerName', 'holdsStock', 'lots'],
      additionalProperties: false,
      properties: {
        state: AcknowledgementStateSchema,
        version: { type: 'integer', minimum: 0 },
        signedAt: { type: ['string', 'null'], format: 'date-time' },
        signerName: { type: ['string', 'null'] },
        holdsStock: { type: ['boolean', 'null'] },
        lots: {
          type: 'array',
          items: {
            type: 'object',
            required: ['gtin', 'lot', 'received', 'onHand', 'quarantined', 'returned', 'destroyed', 'corrected', 'passedOn'],
            additionalProperties: false,
            properties: { gtin, lot, received: count, onHand: count, quarantined: count, returned: count, destroyed: count, corrected: { type: ['integer', 'null'], minimum: 0 }, passedOn: count },
          },
        },
      },
    },
    onward: {
      type: 'object',
      description: 'Customers the signed reply names as passed on to, and the customers the notice reached through the portal (pass-on; level 2 is the caller\'s own, deeper levels theirs).',
      required: ['named', 'reached'],
      additionalProperties: false,
      properties: {
        named: {
          type: 'array',
          items: { type: 'object', required: ['gtin', 'lot', 'name', 'quantity', 'notifiedOn'], additionalProperties: false, properties: { gtin, lot, name: { type: 'string' }, quantity: count, notifiedOn: { type: 'string', format: 'date' } } },
        },
        reached: {
          type: 'array',
          items: {
            type: 'object',
            required: ['level', 'name', 'customerType', 'sentAt', 'opened', 'replied'],
            additionalProperties: false,
            properties: { level: { type: 'integer', minimum: 2 }, name: { type: 'string' }, customerType: { type: 'string' }, sentAt: dateTime, opened: { type: 'boolean' }, replied: { type: 'boolean' } },
          },
        },
      },
    },
    links: RecallLinksSchema,
  },
});

export const RecallStockInputSchema = apiSchema('RecallStockInput', {
  type: 'object',
  required: ['lots'],
  additionalProperties: false,
  properties: {
    lots: {
      type: 'array',
      minItems: 1,
      maxItems: 1000,
      description: "Stock per affected lot: only lots of the notice, each once. Lots left out are not reported in this version.",
      items: {
        type: 'object',
        required: ['gtin', 'onHand', 'quarantined'],
        additionalProperties: false,
        properties: {
          gtin: { type: 'string', format: 'gtin' },
          lot: { type: ['string', 'null'], maxLength: 20, description: 'Omit or null for units without a lot.' },
          onHand: { ...count, maximum: 100000000 },
          quarantined: { ...count, maximum: 100000000 },
        },
      },
    },
  },
});

export const RecallStockReportAnswerSchema = apiSchema('RecallStockReportAnswer', {
  type: 'object',
  required: ['stockReport', 'links'],
  additionalProperties: false,
  properties: { stockReport: RecallStockReportSchema, links: RecallLinksSchema },
});

const acknowledgeLink = (request: Pick<ApiRequest, 'portalUrl'>, id: string) => ({ acknowledge: request.portalUrl(`/recalls/${encodeURIComponent(id)}/reply`) });

function summary(request: ApiRequest, r: DistributorRecallItem) {
  return {
    id: r.id,
    recallNumber: r.recallNumber,
    state: r.state,
    severity: r.severity,
    classifications: r.classifications,
    issuedAt: r.issuedAt,
    noticeSentAt: r.noticeSentAt,
    responseDeadline: r.responseDeadline,
    overdue: r.overdue,
    acknowledgement: { state: r.reply, version: r.version },
    links: acknowledgeLink(request, r.id),
  };
}

const stockReportJson = (s: StockReport) => ({ id: s.id, version: s.version, source: s.source, reportedAt: s.reportedAt, lots: s.lots });

const summaryExample = {
  id: 'rcl_4f6h8j2k4m6p8r2t4v6x8z2b4d6f8h2j',
  recallNumber: 'FSCA-2026-007',
  state: 'open',
  severity: 2,
  classifications: [{ jurisdiction: 'EU-MDR', type: 'fsca', class: 'II' }],
  issuedAt: '2026-05-10T08:00:00.000Z',
  noticeSentAt: '2026-05-10T09:12:00.000Z',
  responseDeadline: '2026-05-20T22:00:00.000Z',
  overdue: false,
  acknowledgement: { state: 'not_replied', version: 0 },
  links: { acknowledge: 'https://portal.example.com/recalls/rcl_4f6h8j2k4m6p8r2t4v6x8z2b4d6f8h2j/reply' },
};
const stockExample = { id: 'rsr_7h2j4k6m8p2r4t6v8x2z4b6d8f2h4j6k', version: 1, source: 'api', reportedAt: '2026-05-11T08:30:00.000Z', lots: [{ gtin: '04012345678901', lot: 'L2405', onHand: 40, quarantined: 40 }] };

export const recallsOperations: ApiOperation[] = [
  {
    operationId: 'listRecalls',
    method: 'get',
    path: '/recalls',
    tags: ['Recalls'],
    summary: "The recall notices to the caller's organisation",
    description:
      'A distributor\'s recall notices as its recall list in the portal shows them: state, classification, deadline and whether a signed acknowledgement is in. Filters as the portal\'s: `state` (open, closed) and `reply` (not_replied, replied, quarantine_confirmed, or incomplete: stock reported in a signed reply and not all quarantined). Only distributors receive recall notices; a supplier\'s key is refused (403).',
    scope: 'recalls:read',
    query: listQuery({
      sorts: distributorRecallSorts,
      defaultOrder: 'desc',
      filters: {
        state: { enum: ['open', 'closed'], description: 'Only recalls in this state.' },
        reply: { enum: [...replyFilters], description: 'Only notices whose reply stands so.' },
      },
    }),
    responses: { 200: { description: 'A page of recall notices, newest first by default.', schema: listOf(RecallSummarySchema), example: { items: [summaryExample], nextCursor: null } } },
    async handle(request) {
      const q = request.query;
      const list = await listRecalls(request.ctx, request.caller.actor, {
        state: q.state as string | undefined,
        reply: q.reply as string | undefined,
        sort: q.sort as (typeof distributorRecallSorts)[number],
        order: q.order as 'asc' | 'desc',
        pageSize: q.limit as number,
        after: keysetAfter(q.cursor),
      });
      if (list.view !== 'distributor') throw new AppError('forbidden', 'recall notices are listed for distributors');
      return { status: 200, body: { items: list.items.map((r) => summary(request, r)), nextCursor: list.next ? encodeCursor({ k: list.next.key, id: list.next.id }) : null } };
    },
  },
  {
    operationId: 'getRecall',
    method: 'get',
    path: '/recalls/{recallId}',
    tags: ['Recalls'],
    summary: "One recall notice to the caller's organisation",
    description:
      "The notice in the organisation's language (where the recall gives its texts there), the affected lots with what was shipped to it, its latest stock report, the state of its signed acknowledgement and the customers named in it or reached by passing the notice on. A recall the organisation got no notice of is 404, like one that does not exist. Sign the acknowledgement at `links.acknowledge`.",
    scope: 'recalls:read',
    pathParams: { type: 'object', required: ['recallId'], additionalProperties: false, properties: { recallId } },
    responses: { 200: { description: 'The recall notice.', schema: RecallSchema } },
    async handle(request) {
      const { ctx, caller, params } = request;
      const r = await getDistributorRecall(ctx, caller.actor, params.recallId!);
      const passedOn = await getPassedOn(ctx, caller.actor, params.recallId!);
      const language = isLocale(r.notice.distributorLanguage) ? r.notice.distributorLanguage : 'en';
      const c = noticeInLanguage(r.content, language);
      const latest = r.latest;
      return {
        status: 200,
        body: {
          id: r.notice.recallId,
          recallNumber: r.notice.recallNumber,
          state: r.notice.recallState,
          severity: r.severity,
          classifications: c.classifications,
          issuedAt: c.issuedAt,
          noticeSentAt: r.noticeSentAt,
          responseDeadline: r.notice.responseDeadline ?? null,
          notice: {
            language,
            manufacturer: c.manufacturer,
            ...(c.srn ? { srn: c.srn } : {}),
            reason: c.reason,
            hazard: c.hazard ?? null,
            actions: c.actions,
            instructions: c.instructionText,
            contact: c.contact,
            authorities: c.authorities,
            ...(c.fsn ? { fsn: { reference: c.fsn.reference, type: c.fsn.type, revision: c.fsn.revision, revisionToAnswer: c.fsn.revisionToAnswer } } : {}),
          },
          lots: r.notice.lots.map((l) => {
            const product = c.products.find((p) => p.gtin === l.gtin);
            const shipped = product?.lots.find((x) => x.lot === l.lot);
            return { gtin: l.gtin, ...(product?.tradeName ? { tradeName: product.tradeName } : {}), ...(product?.model ? { model: product.model } : {}), lot: l.lot, quantityShipped: l.quantityShipped, serials: shipped?.serials ?? [] };
          }),
          stockReport: r.stockReport ? stockReportJson(r.stockReport) : null,
          acknowledgement: {
            state: r.reply,
            version: latest?.version ?? 0,
            signedAt: latest?.signature.signedAt ?? null,
            signerName: latest?.signature.signerName ?? null,
            holdsStock: latest ? latest.holdsStock : null,
            lots: (latest?.lots ?? []).map((l) => ({ gtin: l.gtin, lot: l.lot, received: l.received, onHand: l.onHand, quarantined: l.quarantined, returned: l.returned, destroyed: l.destroyed, corrected: l.corrected, passedOn: l.distributed })),
          },
          onward: {
            named: (latest?.lots ?? []).flatMap((l) => l.subRecipients.map((s) => ({ gtin: l.gtin, lot: l.lot, name: s.name, quantity: s.quantity, notifiedOn: s.notifiedOn }))),
            reached: passedOn.customers.map((w) => ({ level: w.level, name: w.name, customerType: w.customerType, sentAt: w.sentAt, opened: w.opened, replied: w.repliedVersion > 0 })),
          },
          links: acknowledgeLink(request, r.notice.recallId),
        },
      };
    },
  },
  {
    operationId: 'reportRecallStock',
    method: 'post',
    path: '/recalls/{recallId}/stock',
    tags: ['Recalls'],
    summary: 'Report stock on hand and quarantined per affected lot',
    description:
      "The distributor's system reports its stock of the notice's lots, as the reply page in the portal asks it: on hand and quarantined per lot, only the notice's lots, each once, no more quarantined than on hand (problems point into the request, e.g. `/lots/1/quarantined`). Each report is a new version, audited under the key's technical user and posted to the manufacturer as `recall.stock_reported`; the reply page starts from it. It is no acknowledgement: a person signs that at `links.acknowledge`. Refused (409) once the recall is closed. Send an `Idempotency-Key`: a retry returns the first answer and records nothing again.",
    scope: 'recalls:write',
    pathParams: { type: 'object', required: ['recallId'], additionalProperties: false, properties: { recallId } },
    body: { json: RecallStockInputSchema, example: { lots: [{ gtin: '04012345678901', lot: 'L2405', onHand: 40, quarantined: 40 }] } },
    responses: { 201: { description: 'The stock report, recorded.', schema: RecallStockReportAnswerSchema, example: { stockReport: stockExample, links: { acknowledge: summaryExample.links.acknowledge } } } },
    async handle(request) {
      const body = request.body as { lots: { gtin: string; lot?: string | null; onHand: number; quarantined: number }[] };
      const report = await reportRecallStock(request.ctx, request.caller.actor, {
        recallId: request.params.recallId!,
        lots: body.lots.map((l) => ({ gtin: l.gtin, lot: l.lot ?? null, onHand: l.onHand, quarantined: l.quarantined })),
        source: 'api',
      });
      return {
        status: 201,
        headers: { Location: `/api/v1/recalls/${encodeURIComponent(request.params.recallId!)}` },
        body: { stockReport: stockReportJson(report), links: acknowledgeLink(request, request.params.recallId!) },
      };
    },
  },
];

