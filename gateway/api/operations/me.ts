// GET /api/v1/me: who the key is (its organisation, name, scopes and expiry), so a partner can
// check a new key before anything else. Any valid key may ask.
import type { ApiOperation } from '../operation.ts';
import { apiSchema } from '../schemas.ts';
import { apiScopes } from '../../../shared/api-keys/scopes.ts';

export const MeSchema = apiSchema('Me', {
  type: 'object',
  required: ['organisation', 'apiKey', 'user'],
  additionalProperties: false,
  properties: {
    organisation: {
      type: 'object',
      required: ['id', 'name', 'kind'],
      additionalProperties: false,
      properties: { id: { type: 'string' }, name: { type: 'string' }, kind: { enum: ['supplier', 'distributor'] } },
    },
    apiKey: {
      type: 'object',
      required: ['id', 'name', 'scopes', 'expiresAt'],
      additionalProperties: false,
      properties: {
        id: { type: 'string' },
        name: { type: 'string' },
        scopes: { type: 'array', items: { enum: [...apiScopes] } },
        expiresAt: { type: 'string', format: 'date-time' },
      },
    },
    user: {
      type: 'object',
      description: 'The technical user the key acts as: the audit trail names it for every change made with the key.',
      required: ['id', 'displayName'],
      additionalProperties: false,
      properties: { id: { type: 'string' }, displayName: { type: 'string' } },
    },
  },
});

const example = {
  organisation: { id: 'org_mz4c2rd7xq', name: 'Shenzhen Precision Components Co., Ltd.', kind: 'supplier' },
  apiKey: { id: 'b3kq7yv2m5nz4c6dxa1ehtpw', name: 'ERP export', scopes: ['lots:write', 'certificates:read'], expiresAt: '2027-03-02T09:00:00.000Z' },
  user: { id: 'usr_b3kq7yv2m5nz4c6dxa1ehtpw', displayName: 'ERP export (API key)' },
};

export const meOperations: ApiOperation[] = [
  {
    operationId: 'getMe',
    method: 'get',
    path: '/me',
    tags: ['Me'],
    summary: 'The calling key: its organisation, name, scopes and expiry',
    responses: { 200: { description: 'The key and its organisation.', schema: MeSchema, example } },
    async handle({ caller }) {
      const { actor } = caller;
      return {
        status: 200,
        body: {
          organisation: { id: actor.organisationId, name: actor.organisationName, kind: actor.organisationKind },
          apiKey: { id: caller.apiKeyId, name: caller.keyName, scopes: [...caller.scopes], expiresAt: caller.expiresAt },
          user: { id: actor.userId, displayName: actor.displayName },
        },
      };
    },
  },
];
