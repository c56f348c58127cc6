// The events a supplier or distributor may subscribe its own webhook endpoints to (issue 17), and
// what each carries. A partner endpoint gets an event only when it concerns the endpoint's
// organisation (outbox.organisation_id), its type is listed here and the endpoint subscribed to it
// (routing.ts). Its body is the event's PARTNER view, projected here from what the outbox holds
// for the ERP: nothing of the manufacturer's own (ERP numbers, who was mailed, record hashes,
// the QA signer, other consignees). docs/events/partner-webhooks.md documents each one.

type Schema = { [keyword: string]: unknown };
type Data = Record<string, unknown>;

const dateTime = { type: 'string', format: 'date-time' };
const date = { type: 'string', format: 'date' };
const text = (description: string) => ({ type: 'string', description });
const gtin = { type: 'string', pattern: '^\\d{14}$', description: 'GTIN-14' };

const certificateVersion: Schema = {
  certificateId: text('this version'),
  seriesId: text('the certificate across its versions'),
  version: { type: 'integer', minimum: 1 },
  state: { enum: ['approved', 'rejected'] },
  type: { enum: ['iso13485', 'ce_mdr', 'fda_registration', 'coc', 'coa', 'other'] },
  number: { type: 'string' },
  issuer: { type: 'string' },
  scope: { type: 'string' },
  covers: {
    type: 'object',
    required: ['gtins', 'lots'],
    additionalProperties: false,
    properties: { gtins: { type: 'array', items: gtin }, lots: { type: 'array', items: { type: 'string' } } },
  },
  validFrom: date,
  validTo: date,
  file: {
    type: 'object',
    required: ['name', 'sizeBytes', 'sha256'],
    additionalProperties: false,
    properties: { name: { type: 'string' }, sizeBytes: { type: 'integer', minimum: 1 }, sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
  },
  submittedAt: dateTime,
};
const certificateKeys = Object.keys(certificateVersion);

function object(properties: Schema, required: string[]): Schema {
  return { type: 'object', required, additionalProperties: false, properties };
}

function pick(data: Data, keys: string[]): Data {
  const out: Data = {};
  for (const k of keys) if (data[k] !== undefined) out[k] = data[k];
  return out;
}

export interface PartnerEventType {
  type: string;
  /** Who it concerns: its outbox.organisation_id is an organisation of this kind. */
  audience: 'supplier' | 'distributor';
  summary: string;
  /** The JSON Schema of the `data` a partner receives. */
  schema: Schema;
  /** The partner's `data`, from the payload the outbox holds. */
  project(payload: Data): Data;
  example: Data;
}

const certificateExample = {
  certificateId: 'cer_01JD3Q8J5ZQ6',
  seriesId: 'cs_01JD3Q8J5ZQ6',
  version: 1,
  type: 'iso13485',
  number: 'ISO-13485-2026-0042',
  issuer: 'TÜV SÜD Product Service',
  scope: 'Design and manufacture of sterile single-use syringes',
  covers: { gtins: ['04012345000016'], lots: [] },
  validFrom: '2026-01-01',
  validTo: '2028-12-31',
  file: { name: 'iso13485.pdf', sizeBytes: 182044, sha256: 'f'.repeat(64) },
  submittedAt: '2026-12-01T08:30:00.000Z',
};

const noticeLots = { type: 'array', items: object({ gtin, lot: { type: ['string', 'null'] }, quantityShipped: { type: 'integer', minimum: 0 } }, ['gtin', 'lot', 'quantityShipped']) };

/** A lot's inspection as its supplier sees it (lot.released / lot.rejected): the results, not who signed. */
const lotDecision: Schema = {
  lotId: text('the lot record in Lotbridge'),
  gtin,
  lot: { type: 'string' },
  quantity: { type: 'integer', minimum: 1 },
  purchaseOrder: { type: ['object', 'null'], required: ['poNumber', 'lineNumber'], additionalProperties: false, properties: { poNumber: { type: 'string' }, lineNumber: { type: 'integer', minimum: 1 } } },
  state: { enum: ['released', 'released_with_deviation', 'rejected'] },
  inspection: object(
    {
      outcome: { enum: ['accepted', 'accepted_with_deviation', 'rejected'] },
      sampleSize: { type: 'integer', minimum: 1 },
      defectsFound: { type: 'integer', minimum: 0 },
      measurements: {
        type: 'array',
        items: object({ name: { type: 'string' }, value: { type: 'string' }, unit: { type: 'string' }, withinSpec: { type: 'boolean' } }, ['name', 'value', 'unit', 'withinSpec']),
      },
      deviation: { type: ['string', 'null'] },
      reason: { type: ['string', 'null'] },
      decidedAt: dateTime,
    },
    ['outcome', 'sampleSize', 'defectsFound', 'measurements', 'deviation', 'reason', 'decidedAt'],
  ),
};
const lotDecisionKeys = Object.keys(lotDecision);
const lotExample = { lotId: 'lot_01JD3Q8J5ZQ6', gtin: '04012345000016', lot: 'L2407A', quantity: 500, purchaseOrder: { poNumber: '4500017001', lineNumber: 1 } };

/** The partner-visible events, in the order the API lists them. */
export const partnerEventTypes: readonly PartnerEventType[] = [
  {
    type: 'certificate.approved',
    audience: 'supplier',
    summary: 'the manufacturer approved a certificate version you submitted',
    schema: object({ ...certificateVersion, state: { const: 'approved' }, decidedAt: dateTime }, [...certificateKeys, 'decidedAt']),
    project: (p) => pick(p, [...certificateKeys, 'decidedAt']),
    example: { ...certificateExample, state: 'approved', decidedAt: '2026-12-02T10:00:00.000Z' },
  },
  {
    type: 'certificate.rejected',
    audience: 'supplier',
    summary: 'the manufacturer rejected a certificate version you submitted, with the reason',
    schema: object({ ...certificateVersion, state: { const: 'rejected' }, decidedAt: dateTime, reason: { type: 'string' } }, [...certificateKeys, 'decidedAt', 'reason']),
    project: (p) => pick(p, [...certificateKeys, 'decidedAt', 'reason']),
    example: { ...certificateExample, state: 'rejected', decidedAt: '2026-12-02T10:00:00.000Z', reason: 'The scope does not name the sterilisation site.' },
  },
  {
    type: 'certificate.expiring',
    audience: 'supplier',
    summary: 'an approved certificate of yours expires in 90, 60 or 30 days',
    schema: object(
      { ...certificateVersion, state: { const: 'approved' }, threshold: { enum: [90, 60, 30] }, daysLeft: { type: 'integer', minimum: 0 }, remindedAt: dateTime },
      [...certificateKeys, 'threshold', 'daysLeft', 'remindedAt'],
    ),
    project: (p) => pick(p, [...certificateKeys, 'threshold', 'daysLeft', 'remindedAt']),
    example: { ...certificateExample, state: 'approved', threshold: 30, daysLeft: 30, remindedAt: '2028-12-01T06:00:00.000Z' },
  },
  {
    type: 'certificate.expired',
    audience: 'supplier',
    summary: 'an approved certificate of yours is past its end of validity',
    schema: object({ ...certificateVersion, state: { const: 'approved' }, daysOverdue: { type: 'integer', minimum: 1 }, remindedAt: dateTime }, [...certificateKeys, 'daysOverdue', 'remindedAt']),
    project: (p) => pick(p, [...certificateKeys, 'daysOverdue', 'remindedAt']),
    example: { ...certificateExample, state: 'approved', daysOverdue: 1, remindedAt: '2029-01-01T06:00:00.000Z' },
  },
  {
    type: 'invoice.status_changed',
    audience: 'supplier',
    summary: "the manufacturer's accounts payable reported progress on an invoice of yours",
    schema: object(
      {
        invoiceId: { type: ['string', 'null'], description: 'the invoice in Lotbridge; null when it came in by another way (paper, e-mail)' },
        invoiceNumber: { type: 'string' },
        status: { enum: ['received', 'matched', 'approved', 'disputed', 'paid'] },
        reason: { type: 'string', description: 'disputed: why' },
        paidOn: date,
        occurredAt: dateTime,
      },
      ['invoiceId', 'invoiceNumber', 'status', 'occurredAt'],
    ),
    project: (p) => pick(p, ['invoiceId', 'invoiceNumber', 'status', 'reason', 'paidOn', 'occurredAt']),
    example: { invoiceId: 'inv_01JD3Q8J5ZQ6', invoiceNumber: 'INV-2026-0815', status: 'paid', paidOn: '2026-12-04', occurredAt: '2026-12-04T09:12:00Z' },
  },
  {
    type: 'lot.released',
    audience: 'supplier',
    summary: "the manufacturer's incoming inspection released a lot of yours, with or without a deviation, with the results",
    schema: object({ ...lotDecision, state: { enum: ['released', 'released_with_deviation'] }, deviation: { type: 'boolean' } }, [...lotDecisionKeys, 'deviation']),
    project: (p) => pick(p, [...lotDecisionKeys, 'deviation']),
    example: {
      ...lotExample,
      state: 'released',
      deviation: false,
      inspection: { outcome: 'accepted', sampleSize: 13, defectsFound: 0, measurements: [{ name: 'Burst pressure', value: '415', unit: 'kPa', withinSpec: true }], deviation: null, reason: null, decidedAt: '2026-12-04T10:20:00.000Z' },
    },
  },
  {
    type: 'lot.rejected',
    audience: 'supplier',
    summary: "the manufacturer's incoming inspection rejected a lot of yours, with the results and the reason",
    schema: object({ ...lotDecision, state: { const: 'rejected' } }, lotDecisionKeys),
    project: (p) => pick(p, lotDecisionKeys),
    example: {
      ...lotExample,
      state: 'rejected',
      inspection: { outcome: 'rejected', sampleSize: 32, defectsFound: 4, measurements: [], deviation: null, reason: 'Four of 32 leak at the pressure test.', decidedAt: '2026-12-04T10:20:00.000Z' },
    },
  },
  {
    type: 'recall.notice_sent',
    audience: 'distributor',
    summary: 'a recall notice went out to you: the lots you were shipped and the deadline for your reply',
    schema: object({ recallNumber: { type: 'string' }, noticeId: { type: 'string' }, sentAt: dateTime, responseDeadline: dateTime, lots: noticeLots }, ['recallNumber', 'noticeId', 'sentAt', 'responseDeadline', 'lots']),
    project: (p) => ({
      ...pick(p, ['recallNumber', 'noticeId', 'sentAt', 'responseDeadline']),
      lots: ((p.lots ?? []) as Data[]).map((l) => ({ gtin: l.gtin, lot: l.lot ?? null, quantityShipped: l.quantityShipped })),
    }),
    example: {
      recallNumber: 'RC-2026-0007',
      noticeId: 'rn_01JD3Q8J5ZQ6',
      sentAt: '2026-12-03T14:00:00.000Z',
      responseDeadline: '2026-12-05T14:00:00.000Z',
      lots: [{ gtin: '04012345000016', lot: 'L2407A', quantityShipped: 120 }],
    },
  },
  {
    type: 'recall.notice_revised',
    audience: 'distributor',
    summary: 'the manufacturer issued an update (reply again) or a follow-up to a recall notice you received',
    schema: object(
      {
        recallNumber: { type: 'string' },
        noticeId: { type: 'string' },
        fsnReference: { type: 'string' },
        revision: { type: 'integer', minimum: 2 },
        type: { enum: ['update', 'follow_up'] },
        change: { type: 'string' },
        replyRequested: { type: 'boolean', description: 'an update: replies to earlier notices no longer count' },
        issuedAt: dateTime,
      },
      ['recallNumber', 'noticeId', 'fsnReference', 'revision', 'type', 'change', 'replyRequested', 'issuedAt'],
    ),
    project: (p) => pick(p, ['recallNumber', 'noticeId', 'fsnReference', 'revision', 'type', 'change', 'replyRequested', 'issuedAt']),
    example: {
      recallNumber: 'RC-2026-0007',
      noticeId: 'rn_01JD3Q8J5ZQ6',
      fsnReference: 'FSN-2026-0007',
      revision: 2,
      type: 'update',
      change: 'Lot L2407B is affected too.',
      replyRequested: true,
      issuedAt: '2026-12-04T09:00:00.000Z',
    },
  },
  {
    type: 'recall.reminder_sent',
    audience: 'distributor',
    summary: 'you were reminded of what is still open on a recall notice: your reply, the quarantine, or the returns and corrections',
    schema: object(
      {
        recallNumber: { type: 'string' },
        noticeId: { type: 'string' },
        kind: { enum: ['reminder', 'quarantine_reminder', 'actions_reminder'] },
        reason: { enum: ['no_reply', 'quarantine_not_confirmed', 'actions_not_completed'] },
        severity: { enum: [1, 2, 3], description: 'of the recall; 1 = highest risk' },
        responseDeadline: dateTime,
        actionsDeadline: dateTime,
        open: { type: 'array', items: object({ gtin, lot: { type: ['string', 'null'] }, onHand: { type: 'integer' }, quarantined: { type: 'integer' } }, ['gtin', 'lot', 'onHand', 'quarantined']) },
        sentAt: dateTime,
      },
      ['recallNumber', 'noticeId', 'kind', 'severity', 'responseDeadline', 'sentAt'],
    ),
    project: (p) => pick(p, ['recallNumber', 'noticeId', 'kind', 'reason', 'severity', 'responseDeadline', 'actionsDeadline', 'open', 'sentAt']),
    example: {
      recallNumber: 'RC-2026-0007',
      noticeId: 'rn_01JD3Q8J5ZQ6',
      kind: 'reminder',
      reason: 'no_reply',
      severity: 1,
      responseDeadline: '2026-12-05T14:00:00.000Z',
      sentAt: '2026-12-04T14:00:00.000Z',
    },
  },
];

/** The test event a partner sends itself (POST /webhooks/endpoints/{id}/test); never subscribed to. */
export const partnerPing: Omit<PartnerEventType, 'audience'> = {
  type: 'system.ping',
  summary: 'a test event you asked for',
  schema: object({ message: { type: 'string' } }, ['message']),
  project: (p) => pick(p, ['message']),
  example: { message: 'Test event from Lotbridge' },
};

export const partnerEventTypeNames: readonly string[] = partnerEventTypes.map((e) => e.type);

export function findPartnerEventType(type: string): Omit<PartnerEventType, 'audience'> | undefined {
  return type === partnerPing.type ? partnerPing : partnerEventTypes.find((e) => e.type === type);
}

/** The body a partner endpoint receives: Standard Webhooks' {type, timestamp, data}, `data` the partner view. */
export function partnerWebhookBody(d: { event_type: string; occurred_at: string; payload: string }): string {
  const kind = findPartnerEventType(d.event_type);
  // Routing never sends another type to a partner endpoint; should one slip through, it leaves empty.
  const data = kind ? kind.project(JSON.parse(d.payload) as Data) : {};
  return JSON.stringify({ type: d.event_type, timestamp: d.occurred_at, data });
}
