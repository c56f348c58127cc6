// /api/v1/scars: a supplier's system follows the corrective action requests (SCAR, 8D) the
// manufacturer's QA opened against its organisation, answers their steps and uploads evidence,
// through the same use cases as the portal's SCAR page (shared/scars): the same validation, the
// same audit trail and scar.* events; QA's decisions stay in the portal (they are signed).
import type { ApiOperation, JsonSchema, MultipartBody } from '../operation.ts';
import { apiSchema } from '../schemas.ts';
import { listOf, listQuery } from '../list.ts';
import { afterCursor, nextCursor } from '../keyset-cursor.ts';
import { inRequestShape } from '../problems.ts';
import { listScarsKeyset } from '../../../shared/scars/list-scars-keyset.ts';
import { getScar } from '../../../shared/scars/get-scar.ts';
import { submitScarAnswer } from '../../../shared/scars/submit-scar-answer.ts';
import { uploadScarEvidence } from '../../../shared/scars/upload-scar-evidence.ts';
import { rootCauseMethods, scarSteps, type ScarDetail, type ScarState, type ScarStepView, type ScarSummary } from '../../../shared/scars/scar.ts';
import { linkKinds, severities } from '../../../shared/scars/scar-record.ts';

const scarStates = ['open', 'verification', 'closed', 'cancelled'] as const satisfies readonly ScarState[];
const day = { type: 'string', format: 'date', examples: ['2026-12-18'] };
/** A text field (its limits are the use case's: shared/scars/check-scar-answer.ts). */
const text = (description?: string) => ({ type: 'string', ...(description && { description }) });
const object = (properties: Record<string, JsonSchema>, required: string[], description?: string) => ({
  type: 'object',
  ...(description && { description }),
  required,
  additionalProperties: false,
  properties,
});

const ScarActionSchema = apiSchema(
  'ScarAction',
  object(
    { action: text('What is done.'), owner: text('Who is responsible (a name or a role).'), dueDate: day, doneDate: { ...day, description: 'When it was implemented (required in D6).' } },
    ['action', 'owner', 'dueDate'],
    'An action with its owner and dates.',
  ),
);
const actions = { type: 'array', items: ScarActionSchema };

/** The answer to each 8D step (shared/scars/scar.ts ScarAnswers), one named schema per step. */
const answerSchemas = {
  D1: apiSchema(
    'ScarAnswerD1',
    object(
      {
        team: {
          type: 'array',
          items: object({ name: text(), role: text(), email: { type: 'string', format: 'email' } }, ['name', 'role']),
        },
      },
      ['team'],
      'D1: the team working on the problem.',
    ),
  ),
  D2: apiSchema('ScarAnswerD2', object({ description: text("The problem in the supplier's own words."), isNot: text('What the problem is not (is / is not).') }, ['description'], 'D2: the problem.')),
  D3: apiSchema(
    'ScarAnswerD3',
    object(
      {
        containment: {
          type: 'array',
          items: object(
            { location: text('Where (plant, warehouse, in transit, at the customer).'), quantityChecked: { type: 'integer', minimum: 0 }, quantitySuspect: { type: 'integer', minimum: 0, description: 'At most quantityChecked.' }, action: text('What was done with the suspect parts.') },
            ['location', 'quantityChecked', 'quantitySuspect', 'action'],
          ),
        },
        effectiveFrom: day,
      },
      ['containment', 'effectiveFrom'],
      'D3: containment, with quantities per location.',
    ),
  ),
  D4: apiSchema(
    'ScarAnswerD4',
    object(
      { method: { enum: [...rootCauseMethods] }, occurrenceCause: text('Why it occurred.'), escapeCause: text('Why it was not detected.'), analysis: text('The analysis (e.g. the five whys).') },
      ['method', 'occurrenceCause', 'escapeCause', 'analysis'],
      'D4: the root cause and how it was found.',
    ),
  ),
  D5: apiSchema('ScarAnswerD5', object({ actions }, ['actions'], 'D5: the corrective actions chosen.')),
  D6: apiSchema('ScarAnswerD6', object({ actions, validation: text('How their effect was validated.') }, ['actions', 'validation'], 'D6: the corrective actions implemented (each with its doneDate) and how their effect was validated.')),
  D7: apiSchema('ScarAnswerD7', object({ actions, documentsUpdated: text('The documents updated (FMEA, control plan, work instructions).') }, ['actions'], 'D7: the preventive actions.')),
  D8: apiSchema('ScarAnswerD8', object({ summary: text('The closing summary.'), recognition: text("The team's recognition.") }, ['summary'], 'D8: closure by the supplier.')),
};

const stepParam = { enum: [...scarSteps], description: 'The 8D step: D1 team, D2 problem, D3 containment, D4 root cause, D5 corrective actions, D6 implementation, D7 prevention, D8 closure.' };
const stepPath = object({ scarId: { type: 'string', minLength: 1, maxLength: 200 }, step: stepParam }, ['scarId', 'step']);

const summaryProperties = {
  id: { type: 'string', examples: ['scr_4f6h8j3km7q2x5wn4p6r8t2v4x6z8b2d'] },
  number: { type: 'string', examples: ['SCAR-2026-0007'] },
  title: { type: 'string' },
  severity: { enum: [...severities] },
  state: { enum: [...scarStates], description: 'open (the 8D steps are worked), verification (every step accepted; QA checks effectiveness), closed, or cancelled by QA.' },
  openedAt: { type: 'string', format: 'date-time' },
  closedAt: { type: ['string', 'null'], format: 'date-time' },
  nextDue: { type: ['string', 'null'], format: 'date', description: 'The earliest due date of a step not yet accepted, while open.' },
  overdue: { type: 'boolean', description: 'Open with a step past its due date.' },
} satisfies Record<string, JsonSchema>;

export const ScarSummarySchema = apiSchema('ScarSummary', {
  type: 'object',
  description: 'A SCAR as lists show it (GET /scars/{scarId} has all of it).',
  required: Object.keys(summaryProperties),
  additionalProperties: false,
  properties: summaryProperties,
});

export const ScarStepSchema = apiSchema('ScarStep', {
  type: 'object',
  description: "One 8D step: its due date, your latest answer and QA's decision on it.",
  required: ['step', 'dueDate', 'status', 'overdue', 'answer', 'submittedAt', 'decision', 'decisionComment', 'decidedAt', 'evidence'],
  additionalProperties: false,
  properties: {
    step: stepParam,
    dueDate: day,
    status: { enum: ['awaiting_answer', 'submitted', 'accepted', 'returned'], description: 'awaiting_answer and returned wait for you; submitted waits for QA.' },
    overdue: { type: 'boolean' },
    answer: { anyOf: [...Object.values(answerSchemas), { type: 'null' }], description: 'The latest answer (the schema of its step), or null.' },
    submittedAt: { type: ['string', 'null'], format: 'date-time' },
    decision: { enum: ['accepted', 'returned', null] },
    decisionComment: { type: ['string', 'null'], description: "QA's comment, e.g. why the answer was returned." },
    decidedAt: { type: ['string', 'null'], format: 'date-time' },
    evidence: {
      type: 'array',
      items: object({ id: { type: 'string' }, fileName: { type: 'string' }, uploadedAt: { type: 'string', format: 'date-time' } }, ['id', 'fileName', 'uploadedAt']),
    },
  },
});

export const ScarSchema = apiSchema('Scar', {
  type: 'object',
  description: 'A corrective action request with its 8D steps.',
  required: [...Object.keys(summaryProperties), 'problem', 'links', 'steps', 'verifyAfter', 'verification', 'answerSteps'],
  additionalProperties: false,
  properties: {
    ...summaryProperties,
    problem: { type: 'string', description: "QA's description of the problem: what, where, how many." },
    links: {
      type: 'array',
      description: 'What the SCAR is about: lots (e.g. a rejected lot), certificates, recalls.',
      items: object({ kind: { enum: [...linkKinds] }, refId: { type: 'string', description: 'The id of the lot, certificate or recall.' }, label: { type: 'string' } }, ['kind', 'refId', 'label']),
    },
    steps: { type: 'array', items: ScarStepSchema },
    verifyAfter: { type: ['string', 'null'], format: 'date', description: 'From when QA checks the effectiveness of the actions.' },
    verification: {
      type: ['object', 'null'],
      required: ['result', 'note', 'verifiedAt'],
      additionalProperties: false,
      properties: { result: { enum: ['effective', 'not_effective'] }, note: { type: 'string' }, verifiedAt: { type: 'string', format: 'date-time' } },
    },
    answerSteps: { type: 'array', items: stepParam, description: 'The steps you may answer now (awaiting an answer, or returned by QA).' },
  },
});

export const ScarAnswerResultSchema = apiSchema('ScarAnswerResult', object({ step: ScarStepSchema, round: { type: 'integer', minimum: 1, description: 'The how-manyth answer to this step.' } }, ['step', 'round']));

export const ScarEvidenceSchema = apiSchema(
  'ScarEvidence',
  object(
    {
      id: { type: 'string' },
      step: stepParam,
      fileName: { type: 'string' },
      sha256: { type: 'string', description: 'SHA-256 of the file, hex.' },
      sizeBytes: { type: 'integer', minimum: 1 },
      contentType: { enum: ['application/pdf', 'image/png', 'image/jpeg', 'text/csv'], description: 'What the file is, judged by its content.' },
      uploadedAt: { type: 'string', format: 'date-time' },
    },
    ['id', 'step', 'fileName', 'sha256', 'sizeBytes', 'contentType', 'uploadedAt'],
    'An evidence file kept with a step.',
  ),
);

const summaryBody = (s: ScarSummary) => ({
  id: s.id,
  number: s.number,
  title: s.title,
  severity: s.severity,
  state: s.state,
  openedAt: s.openedAt,
  closedAt: s.closedAt,
  nextDue: s.nextDue,
  overdue: s.overdue,
});

const stepBody = (s: ScarStepView) => ({
  step: s.step,
  dueDate: s.dueDate,
  status: s.status,
  overdue: s.overdue,
  answer: s.answer,
  submittedAt: s.submittedAt,
  decision: s.decision,
  decisionComment: s.decisionComment,
  decidedAt: s.decidedAt,
  evidence: s.evidence.map((e) => ({ id: e.id, fileName: e.fileName, uploadedAt: e.uploadedAt })),
});

const scarBody = (s: ScarDetail, answerSteps: readonly string[]) => ({
  ...summaryBody(s),
  problem: s.problem,
  links: s.links.map((l) => ({ kind: l.kind, refId: l.refId, label: l.label })),
  steps: s.steps.map(stepBody),
  verifyAfter: s.verifyAfter,
  verification: s.verification && { result: s.verification.result, note: s.verification.note, verifiedAt: s.verification.verifiedAt },
  answerSteps: [...answerSteps],
});

/**
 * The SCAR use cases' field paths in the request: the answer's own (`answer.team.0.name`) point
 * into the body (`/team/0/name`), the whole answer is the body, the step and SCAR are path parameters.
 */
function inRequest(field: string): string | undefined {
  if (field === 'answer') return '(body)';
  const inAnswer = /^answer[./](.+)$/.exec(field);
  if (inAnswer) return inAnswer[1];
  if (field === 'step' || field === 'scarId') return `path:${field}`;
  return undefined;
}

const exampleSummary = {
  id: 'scr_4f6h8j3km7q2x5wn4p6r8t2v4x6z8b2d',
  number: 'SCAR-2026-0007',
  title: 'Leaking stopcocks, lot SC-2610A',
  severity: 'major',
  state: 'open',
  openedAt: '2026-11-20T09:00:00.000Z',
  closedAt: null,
  nextDue: '2026-11-23',
  overdue: false,
};

export const scarsOperations: ApiOperation[] = [
  {
    operationId: 'listScars',
    method: 'get',
    path: '/scars',
    tags: ['SCARs'],
    summary: 'The corrective action requests against your organisation',
    description: 'Newest first unless sorted otherwise; filtered by state, or only the overdue ones (open with a step past its due date).',
    scope: 'scars:read',
    query: listQuery({
      sorts: ['opened', 'number'],
      defaultOrder: 'desc',
      filters: { state: { enum: [...scarStates] }, overdue: { type: 'boolean', description: 'Only open SCARs with a step past its due date.' } },
    }),
    responses: { 200: { description: 'A page of SCARs.', schema: listOf(ScarSummarySchema), example: { items: [exampleSummary], nextCursor: null } } },
    async handle({ caller, ctx, query }) {
      const q = query as { cursor?: string; limit?: number; sort?: 'opened' | 'number'; order?: 'asc' | 'desc'; state?: ScarState; overdue?: boolean };
      const list = await listScarsKeyset(ctx, caller.actor, {
        state: q.state,
        overdue: q.overdue ?? false,
        sort: q.sort ?? 'opened',
        order: q.order ?? 'desc',
        after: afterCursor(q.cursor),
        limit: q.limit ?? 50,
      });
      return { status: 200, body: { items: list.items.map(summaryBody), nextCursor: nextCursor(list.next) } };
    },
  },
  {
    operationId: 'getScar',
    method: 'get',
    path: '/scars/{scarId}',
    tags: ['SCARs'],
    summary: 'One SCAR with its 8D steps',
    description: "The problem, what it is about, each step's due date, your latest answer, QA's decision and the evidence; which steps you may answer now.",
    scope: 'scars:read',
    responses: { 200: { description: 'The SCAR.', schema: ScarSchema } },
    async handle({ caller, ctx, params }) {
      const view = await getScar(ctx, caller.actor, params.scarId!);
      return { status: 200, body: scarBody(view.scar, view.permissions.answerSteps) };
    },
  },
  {
    operationId: 'answerScarStep',
    method: 'post',
    path: '/scars/{scarId}/steps/{step}/answer',
    tags: ['SCARs'],
    summary: 'Answer one 8D step',
    description:
      'The body is the answer to the step in the path: `ScarAnswerD1` for D1 … `ScarAnswerD8` for D8 (see the schemas). It is checked as the portal checks it, every problem at once with a pointer into the body ' +
      '(e.g. `/team/0/name`). A step may be answered while the SCAR is open and the step awaits an answer or was returned; each answer is kept, audited and sent to QA.',
    scope: 'scars:write',
    pathParams: stepPath,
    body: {
      json: { type: 'object', description: 'The answer to the step in the path (ScarAnswerD1 … ScarAnswerD8).' },
      example: { team: [{ name: 'Wang Fang', role: 'Quality manager', email: 'wang.fang@suzhou-precision.example' }, { name: 'Li Wei', role: 'Moulding supervisor' }] },
    },
    responses: { 200: { description: 'The answer was kept and waits for QA.', schema: ScarAnswerResultSchema } },
    async handle({ caller, ctx, params, body, portalUrl }) {
      const result = await inRequestShape(submitScarAnswer(ctx, caller.actor, { scarId: params.scarId!, step: params.step!, answer: body, portalUrl: new URL(portalUrl('/')).origin }), inRequest);
      return { status: 200, body: { step: stepBody(result.step), round: result.round } };
    },
  },
  {
    operationId: 'uploadScarEvidence',
    method: 'post',
    path: '/scars/{scarId}/steps/{step}/evidence',
    tags: ['SCARs'],
    summary: 'Upload evidence to one 8D step',
    description:
      'multipart/form-data with the file as `file`, to a step you may still answer: a PDF, a PNG or JPEG photo or a CSV table (UTF-8 text), judged by its content, not by its name or ' +
      'the part\'s content type, and named as it is (`.pdf`, `.png`, `.jpg` or `.jpeg`, `.csv`). Kept with the step (never deleted) and audited. Refused with 400 and a problem at ' +
      '`/file`: `files.empty`, `files.tooLarge`, `files.notAttachment` (none of those kinds), `files.nameMismatch` (the name does not end as the content says; `params.ending` ' +
      'is the ending to use), `files.truncated` or `files.unreadable` (a broken PDF), `scar-rules.tooManyEvidence` (the step holds the most files it may); a step you may not ' +
      'answer now is 409.',
    scope: 'scars:write',
    pathParams: stepPath,
    body: {
      multipart: {
        type: 'object',
        required: ['file'],
        additionalProperties: false,
        properties: { file: { type: 'string', description: 'The evidence: a PDF, PNG, JPEG or CSV file (sent as application/octet-stream or its own type; judged by content).' } },
      },
    },
    responses: { 201: { description: 'The evidence was kept.', schema: ScarEvidenceSchema } },
    async handle({ caller, ctx, params, body, uploads }) {
      // The router refused a body without the file (the schema requires it).
      const file = (body as MultipartBody).file!;
      const e = await inRequestShape(uploadScarEvidence(ctx, caller.actor, uploads, { scarId: params.scarId!, step: params.step!, file: { name: file.name, bytes: file.bytes } }), inRequest);
      return { status: 201, body: { id: e.id, step: e.step, fileName: e.fileName, sha256: e.sha256, sizeBytes: e.sizeBytes, contentType: e.contentType, uploadedAt: e.uploadedAt } };
    },
  },
];
