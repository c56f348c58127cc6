// /api/v1/supplier-approvals: a supplier's system reads its own entries of the manufacturer's
// approved supplier list (shared/supplier-approvals), as its users see them read-only in the
// portal: per item or item category, the status and the certificates the entry requires.
import type { ApiOperation } from '../operation.ts';
import { apiSchema } from '../schemas.ts';
import { listOf, listQuery } from '../list.ts';
import { afterCursor, nextCursor } from '../keyset-cursor.ts';
import { listSupplierApprovals } from '../../../shared/supplier-approvals/list-supplier-approvals.ts';
import { getSupplierApproval } from '../../../shared/supplier-approvals/get-supplier-approval.ts';
import { approvalStatuses, type SupplierApproval } from '../../../shared/supplier-approvals/approval.ts';
import { certificateTypes } from '../../../shared/certificates/kinds.ts';

export const SupplierApprovalSchema = apiSchema('SupplierApproval', {
  type: 'object',
  description:
    "One entry of the manufacturer's approved supplier list for your organisation: one item (GTIN-14) or one item category (the ERP's device class; an item's own entry wins over its category's).",
  required: ['id', 'itemGtin', 'itemCategory', 'itemDescription', 'status', 'requiredCertificates', 'reason', 'automaticReason', 'decidedBy', 'decidedAt'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', examples: ['asl_4f6h8j3km7q2x5wn4p6r8t2v4x6z8b2d'] },
    itemGtin: { type: ['string', 'null'], description: 'The item (GTIN-14); null for a category entry.', examples: ['09506000134352'] },
    itemCategory: { type: ['string', 'null'], description: 'The item category; null for an item entry.', examples: [null] },
    itemDescription: { type: ['string', 'null'], description: "The item's description in the ERP." },
    status: {
      enum: [...approvalStatuses],
      description: 'approved; conditional (lots are accepted and flagged for QA); disqualified (lots are refused); pending (not decided yet: lots are flagged).',
    },
    requiredCertificates: {
      type: 'array',
      items: { enum: [...certificateTypes] },
      description: 'What the entry requires: ISO 13485, CE or FDA certificates held, approved and valid; a CoC or CoA named by every lot.',
    },
    reason: { type: 'string', description: 'Why the entry has its status, in English.' },
    automaticReason: {
      type: ['object', 'null'],
      description: "When Lotbridge changed the status itself (a required certificate expired or was rejected): the reason's stable code and values; null for QA's decisions.",
      required: ['code', 'params'],
      additionalProperties: false,
      properties: { code: { type: 'string', examples: ['asl.downgradeExpired'] }, params: { type: 'object', additionalProperties: true } },
    },
    decidedBy: { type: ['string', 'null'], description: 'The name of who decided the status; null when Lotbridge changed it.' },
    decidedAt: { type: 'string', format: 'date-time' },
  },
});

function approvalBody(a: SupplierApproval) {
  return {
    id: a.id,
    itemGtin: a.itemGtin,
    itemCategory: a.itemCategory,
    itemDescription: a.itemDescription,
    status: a.status,
    requiredCertificates: a.requiredCertificates,
    reason: a.reason,
    automaticReason: a.reasonProblem ? { code: a.reasonProblem.code, params: a.reasonProblem.params ?? {} } : null,
    decidedBy: a.decidedBy,
    decidedAt: a.decidedAt,
  };
}

const example = {
  id: 'asl_4f6h8j3km7q2x5wn4p6r8t2v4x6z8b2d',
  itemGtin: '09506000134352',
  itemCategory: null,
  itemDescription: 'Infusion set IS-20',
  status: 'approved',
  requiredCertificates: ['iso13485', 'coc'],
  reason: 'Audit 2026-03 passed',
  automaticReason: null,
  decidedBy: 'Dr. Anna Weber',
  decidedAt: '2026-03-12T10:30:00.000Z',
};

export const supplierApprovalsOperations: ApiOperation[] = [
  {
    operationId: 'listSupplierApprovals',
    method: 'get',
    path: '/supplier-approvals',
    tags: ['Approvals'],
    summary: "Your organisation's entries of the approved supplier list",
    description:
      'Sorted by the entry\'s item (GTIN-14, then categories) or by when its status was last decided (`sort=decided`: an entry decided again moves to the end, so paging ascending picks up changes). ' +
      'Filtered by item (GTIN, part of one, a category or part of the description) and status.',
    scope: 'approvals:read',
    query: listQuery({
      sorts: ['item', 'decided'],
      filters: {
        item: { type: 'string', maxLength: 200, description: 'A GTIN or part of one, a category, or part of the item description.' },
        status: { enum: [...approvalStatuses] },
      },
    }),
    responses: { 200: { description: 'A page of entries.', schema: listOf(SupplierApprovalSchema) } },
    async handle({ caller, ctx, query }) {
      const q = query as { cursor?: string; limit?: number; sort?: 'item' | 'decided'; order?: 'asc' | 'desc'; item?: string; status?: string };
      const list = await listSupplierApprovals(ctx, caller.actor, {
        item: q.item,
        status: q.status,
        sort: q.sort ?? 'item',
        order: q.order ?? 'asc',
        after: afterCursor(q.cursor),
        limit: q.limit ?? 50,
      });
      return { status: 200, body: { items: list.items.map(approvalBody), nextCursor: nextCursor(list.next) } };
    },
  },
  {
    operationId: 'getSupplierApproval',
    method: 'get',
    path: '/supplier-approvals/{approvalId}',
    tags: ['Approvals'],
    summary: 'One entry of the approved supplier list',
    scope: 'approvals:read',
    responses: { 200: { description: 'The entry.', schema: SupplierApprovalSchema, example } },
    async handle({ caller, ctx, params }) {
      const detail = await getSupplierApproval(ctx, caller.actor, params.approvalId!);
      return { status: 200, body: approvalBody(detail.approval) };
    },
  },
];
