// Partners' own webhook endpoints over the REST API: subscribe an endpoint to the events that
// concern the caller's organisation (shared/webhooks/partner-events.ts), see its recent
// deliveries, rotate its secret, send it a test event, delete it. Thin: every rule is in the use
// cases, which scope everything to the key's organisation.
import type { ApiOperation, ApiRequest, JsonSchema } from '../operation.ts';
import { apiSchema } from '../schemas.ts';
import { installedAppContext } from '../../../shared/context.ts';
import { createPartnerWebhookEndpoint, subscribableTypes } from '../../../shared/webhooks/create-partner-webhook-endpoint.ts';
import { getPartnerWebhookEndpoint, listPartnerWebhookEndpoints, recentDeliveries } from '../../../shared/webhooks/list-partner-webhook-endpoints.ts';
import { deletePartnerWebhookEndpoint } from '../../../shared/webhooks/delete-partner-webhook-endpoint.ts';
import { rotatePartnerWebhookSecret } from '../../../shared/webhooks/rotate-partner-webhook-secret.ts';
import { sendPartnerTestEvent } from '../../../shared/webhooks/send-partner-test-event.ts';
import { partnerEventTypeNames, partnerEventTypes } from '../../../shared/webhooks/partner-events.ts';
import type { PartnerEndpointView } from '../../../shared/webhooks/partner-webhook-endpoints.ts';

const tags = ['Webhooks'];
const dateTime = { type: 'string', format: 'date-time' };
const secret = { type: 'string', pattern: '^whsec_[A-Za-z0-9+/=]+$', description: 'the signing secret (Standard Webhooks), shown this once' };

const eventType = apiSchema('WebhookEventType', {
  enum: [...partnerEventTypeNames],
  description: 'An event a partner may subscribe to; a supplier gets certificate and invoice events, a distributor recall notice events (GET /webhooks/event-types)',
});

const endpointProperties: Record<string, JsonSchema> = {
  id: { type: 'string' },
  url: { type: 'string', format: 'uri' },
  description: { type: 'string' },
  eventTypes: { type: 'array', items: eventType },
  state: { enum: ['active', 'paused', 'disabled'], description: 'disabled: the endpoint answered 410 Gone and gets nothing more' },
  createdAt: dateTime,
  secrets: {
    type: 'array',
    description: 'the live signing secrets by fingerprint, newest first (two during a rotation)',
    items: {
      type: 'object',
      required: ['fingerprint', 'createdAt', 'expiresAt'],
      additionalProperties: false,
      properties: { fingerprint: { type: 'string' }, createdAt: dateTime, expiresAt: { ...dateTime, type: ['string', 'null'] } },
    },
  },
  counts: {
    type: 'object',
    description: 'deliveries by state',
    required: ['pending', 'succeeded', 'exhausted'],
    additionalProperties: false,
    properties: { pending: { type: 'integer' }, succeeded: { type: 'integer' }, exhausted: { type: 'integer' } },
  },
};
const endpointRequired = Object.keys(endpointProperties);

const endpoint = apiSchema('WebhookEndpoint', { type: 'object', required: endpointRequired, additionalProperties: false, properties: endpointProperties });

const createdEndpoint = apiSchema('WebhookEndpointCreated', {
  type: 'object',
  required: [...endpointRequired, 'secret'],
  additionalProperties: false,
  properties: { ...endpointProperties, secret },
});

const delivery = apiSchema('WebhookDelivery', {
  type: 'object',
  required: ['webhookId', 'eventType', 'occurredAt', 'state', 'attempts', 'lastStatus', 'lastError', 'nextAttemptAt', 'completedAt'],
  additionalProperties: false,
  properties: {
    webhookId: { type: 'string', description: 'the webhook-id header the endpoint received (the same on every attempt)' },
    eventType: { type: 'string' },
    occurredAt: dateTime,
    state: { enum: ['pending', 'succeeded', 'exhausted'], description: 'exhausted: ten attempts failed' },
    attempts: { type: 'integer', minimum: 0 },
    lastStatus: { type: ['integer', 'null'], description: "the endpoint's last HTTP status" },
    lastError: { type: ['string', 'null'] },
    nextAttemptAt: { ...dateTime, type: ['string', 'null'] },
    completedAt: { ...dateTime, type: ['string', 'null'] },
  },
});

const endpointWithDeliveries = apiSchema('WebhookEndpointWithDeliveries', {
  type: 'object',
  required: [...endpointRequired, 'recentDeliveries'],
  additionalProperties: false,
  properties: { ...endpointProperties, recentDeliveries: { type: 'array', maxItems: recentDeliveries, description: `the ${recentDeliveries} most recent deliveries, newest first`, items: delivery } },
});

const endpointInput = apiSchema('WebhookEndpointInput', {
  type: 'object',
  required: ['url', 'eventTypes'],
  additionalProperties: false,
  properties: {
    url: { type: 'string', minLength: 1, maxLength: 2000, description: 'https:// at a public address' },
    description: { type: 'string', maxLength: 200 },
    eventTypes: { type: 'array', minItems: 1, maxItems: partnerEventTypeNames.length, items: eventType },
  },
});

const endpointParams = {
  type: 'object',
  required: ['endpointId'],
  additionalProperties: false,
  properties: { endpointId: { type: 'string', minLength: 1, maxLength: 64 } },
};

const endpointExample = {
  id: 'ep_4k2cooroyhk3e5hfxz6xs44w66y7hxt',
  url: 'https://wms.example.com/lotbridge/events',
  description: 'WMS',
  eventTypes: ['certificate.approved', 'certificate.rejected'],
  state: 'active',
  createdAt: '2026-12-05T09:00:00.000Z',
  secrets: [{ fingerprint: 'sha256:3f0c9a1d2b4e5f60', createdAt: '2026-12-05T09:00:00.000Z', expiresAt: null }],
  counts: { pending: 0, succeeded: 12, exhausted: 0 },
};

function view(e: PartnerEndpointView) {
  return { id: e.id, url: e.url, description: e.description, eventTypes: e.eventTypes, state: e.state, createdAt: e.createdAt, secrets: e.secrets, counts: e.counts };
}

/** The server's development allowance (PARTNER_WEBHOOKS_ALLOW_LOOPBACK); off unless configured. */
function targetRules(): { allowLoopback: boolean } {
  return { allowLoopback: installedAppContext()?.config.erp.partnerLoopback === true };
}

const endpointId = (request: ApiRequest) => request.params.endpointId!;

export const webhooksOperations: ApiOperation[] = [
  {
    operationId: 'createWebhookEndpoint',
    method: 'post',
    path: '/webhooks/endpoints',
    tags,
    summary: 'Subscribe an endpoint of yours to events',
    description:
      'Events that concern your organisation and that you subscribe to are POSTed to the URL as Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature `v1,` HMAC-SHA256 with the secret answered here, once). Events of one record arrive in order; a failed delivery is retried for about three days. The URL must be https:// at a public address.',
    scope: 'webhooks:write',
    body: { json: endpointInput, example: { url: 'https://wms.example.com/lotbridge/events', description: 'WMS', eventTypes: ['certificate.approved', 'certificate.rejected'] } },
    responses: { 201: { description: 'The endpoint, with its signing secret (shown this once)', schema: createdEndpoint, example: { ...endpointExample, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' } } },
    async handle(request) {
      const input = request.body as { url: string; description?: string; eventTypes: string[] };
      const made = await createPartnerWebhookEndpoint(request.ctx, request.caller.actor, input, targetRules());
      return { status: 201, body: { ...view(made.endpoint), secret: made.secret }, headers: { Location: `/api/v1/webhooks/endpoints/${made.endpoint.id}` } };
    },
  },
  {
    operationId: 'listWebhookEndpoints',
    method: 'get',
    path: '/webhooks/endpoints',
    tags,
    summary: "Your organisation's webhook endpoints",
    description: 'At most 10 per organisation, so one page holds them all (nextCursor is always null).',
    scope: 'webhooks:read',
    responses: {
      200: {
        description: 'The endpoints, oldest first',
        schema: { type: 'object', required: ['items', 'nextCursor'], additionalProperties: false, properties: { items: { type: 'array', items: endpoint }, nextCursor: { type: 'null' } } },
        example: { items: [endpointExample], nextCursor: null },
      },
    },
    async handle(request) {
      const { endpoints } = await listPartnerWebhookEndpoints(request.ctx, request.caller.actor);
      return { status: 200, body: { items: endpoints.map(view), nextCursor: null } };
    },
  },
  {
    operationId: 'getWebhookEndpoint',
    method: 'get',
    path: '/webhooks/endpoints/{endpointId}',
    tags,
    summary: 'One of your endpoints with its recent deliveries',
    scope: 'webhooks:read',
    pathParams: endpointParams,
    responses: {
      200: {
        description: 'The endpoint and its most recent deliveries',
        schema: endpointWithDeliveries,
        example: {
          ...endpointExample,
          recentDeliveries: [
            {
              webhookId: 'msg_kb6wugkldlterhqye4nfrs67ggu2z5tu',
              eventType: 'certificate.approved',
              occurredAt: '2026-12-05T10:00:00.000Z',
              state: 'succeeded',
              attempts: 1,
              lastStatus: 204,
              lastError: null,
              nextAttemptAt: null,
              completedAt: '2026-12-05T10:00:00.412Z',
            },
          ],
        },
      },
    },
    async handle(request) {
      const found = await getPartnerWebhookEndpoint(request.ctx, request.caller.actor, endpointId(request));
      return { status: 200, body: { ...view(found.endpoint), recentDeliveries: found.deliveries } };
    },
  },
  {
    operationId: 'deleteWebhookEndpoint',
    method: 'delete',
    path: '/webhooks/endpoints/{endpointId}',
    tags,
    summary: 'Delete an endpoint: it gets nothing more',
    description: 'Deliveries still pending are not sent.',
    scope: 'webhooks:write',
    pathParams: endpointParams,
    responses: { 204: { description: 'Deleted' } },
    async handle(request) {
      await deletePartnerWebhookEndpoint(request.ctx, request.caller.actor, endpointId(request));
      return { status: 204 };
    },
  },
  {
    operationId: 'rotateWebhookEndpointSecret',
    method: 'post',
    path: '/webhooks/endpoints/{endpointId}/rotate-secret',
    tags,
    summary: 'A new signing secret',
    description:
      'Answered this once. Until the previous secret expires (after the query parameter `overlapHours`, 24 by default) every delivery carries a signature with each, so you can switch without losing an event.',
    scope: 'webhooks:write',
    pathParams: endpointParams,
    query: {
      type: 'object',
      additionalProperties: false,
      properties: { overlapHours: { type: 'integer', minimum: 0, maximum: 720, default: 24, description: 'how long the previous secret keeps signing' } },
    },
    responses: {
      200: {
        description: 'The new secret',
        schema: apiSchema('WebhookSecretRotated', {
          type: 'object',
          required: ['secret', 'previousSecretExpiresAt'],
          additionalProperties: false,
          properties: { secret, previousSecretExpiresAt: dateTime },
        }),
        example: { secret: 'whsec_x1Nq3HbXmHZ0w6Yt2fjWJq8Ahf1cVvXk', previousSecretExpiresAt: '2026-12-06T09:00:00.000Z' },
      },
    },
    async handle(request) {
      const overlapHours = request.query.overlapHours as number | undefined;
      const rotated = await rotatePartnerWebhookSecret(request.ctx, request.caller.actor, { endpointId: endpointId(request), overlapHours });
      return { status: 200, body: { secret: rotated.secret, previousSecretExpiresAt: rotated.oldExpiresAt } };
    },
  },
  {
    operationId: 'sendWebhookEndpointTest',
    method: 'post',
    path: '/webhooks/endpoints/{endpointId}/test',
    tags,
    summary: 'Send a test event (system.ping) to this endpoint alone',
    scope: 'webhooks:write',
    pathParams: endpointParams,
    responses: {
      202: {
        description: 'Queued; its delivery shows among the endpoint\'s recent deliveries',
        schema: apiSchema('WebhookTestSent', { type: 'object', required: ['webhookId'], additionalProperties: false, properties: { webhookId: { type: 'string' } } }),
        example: { webhookId: 'msg_ln63js766u53ysnimokvnczouabfmyla' },
      },
    },
    async handle(request) {
      return { status: 202, body: await sendPartnerTestEvent(request.ctx, request.caller.actor, endpointId(request)) };
    },
  },
  {
    operationId: 'listWebhookEventTypes',
    method: 'get',
    path: '/webhooks/event-types',
    tags,
    summary: 'The event types your organisation may subscribe to, with the schema and an example of each one\'s data',
    description: 'Each delivery body is `{ "type", "timestamp", "data" }`; `data` is described here.',
    scope: 'webhooks:read',
    responses: {
      200: {
        description: 'The event types',
        schema: {
          type: 'object',
          required: ['items'],
          additionalProperties: false,
          properties: {
            items: {
              type: 'array',
              items: apiSchema('WebhookEventTypeInfo', {
                type: 'object',
                required: ['type', 'summary', 'dataSchema', 'example'],
                additionalProperties: false,
                properties: { type: eventType, summary: { type: 'string' }, dataSchema: { type: 'object', description: 'The JSON Schema of `data` (the dialect of OpenAPI 3.1)' }, example: { type: 'object' } },
              }),
            },
          },
        },
        example: { items: partnerEventTypes.slice(0, 1).map((e) => ({ type: e.type, summary: e.summary, dataSchema: e.schema, example: e.example })) },
      },
    },
    async handle(request) {
      const mine = subscribableTypes(request.caller.actor);
      const items = partnerEventTypes.filter((e) => mine.includes(e.type)).map((e) => ({ type: e.type, summary: e.summary, dataSchema: e.schema, example: e.example }));
      return { status: 200, body: { items } };
    },
  },
];
