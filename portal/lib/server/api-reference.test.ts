import { describe, expect, it } from 'vitest';
import { apiReference, typeText } from './api-reference.ts';

// A small OpenAPI 3.1 document in the shape gateway/api/openapi.ts writes: the page reads tags,
// scopes, parameters (shared and own, by $ref too), request bodies and answers from it.
const document = {
  openapi: '3.1.0',
  info: { title: 'Lotbridge API', version: '1', description: 'The partner API.' },
  tags: [{ name: 'Lots', description: 'Lot data.' }, { name: 'Unused' }],
  paths: {
    '/lots/{lotId}': {
      parameters: [{ name: 'lotId', in: 'path', required: true, schema: { type: 'string' } }],
      get: {
        operationId: 'getLot',
        tags: ['Lots'],
        summary: 'One lot',
        security: [{ apiKey: ['lots:read'] }],
        parameters: [{ $ref: '#/components/parameters/IfNoneMatch' }],
        responses: {
          200: { description: 'The lot.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Lot' }, example: { gtin: '04012345000016' } } } },
          404: { $ref: '#/components/responses/NotFound' },
        },
      },
    },
    '/lots': {
      post: {
        operationId: 'submitLot',
        tags: ['Lots'],
        summary: 'Submit a lot',
        'x-scope': 'lots:write',
        requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Lot' }, examples: { one: { value: { gtin: '1' } } } } } },
        responses: { 201: { description: 'Submitted.' } },
      },
    },
  },
  components: {
    parameters: { IfNoneMatch: { name: 'If-None-Match', in: 'header', schema: { type: 'string' }, description: 'An ETag.' } },
    responses: { NotFound: { description: 'Not found.', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } } },
    schemas: {
      Lot: {
        type: 'object',
        required: ['gtin'],
        properties: { gtin: { type: 'string', description: 'GTIN-14.' }, expiry: { type: 'string', format: 'date' }, serials: { type: 'array', items: { $ref: '#/components/schemas/Serial' } } },
      },
      Problem: { type: 'object', properties: { code: { type: 'string' }, errors: { type: 'array', items: { type: 'object', required: ['code'], properties: { code: { type: 'string' } } } } } },
      Me: { type: 'object', properties: { apiKey: { type: 'object', properties: { id: { type: 'string' } } } } },
      Serial: { type: 'string' },
    },
  },
};

describe('apiReference', () => {
  const reference = apiReference(document);

  it('groups the operations by tag and leaves out tags without any', () => {
    expect(reference.tags.map((t) => [t.name, t.operations.map((o) => `${o.method} ${o.path}`)])).toEqual([['Lots', ['GET /lots/{lotId}', 'POST /lots']]]);
    expect(reference.tags[0]!.description).toBe('Lot data.');
  });

  it('reads the scope from x-scope or the security requirement, unless told it by operationId', () => {
    expect(reference.tags[0]!.operations.map((o) => o.scope)).toEqual(['lots:read', 'lots:write']);
    expect(apiReference(document, { getLot: 'items:read', submitLot: null }).tags[0]!.operations.map((o) => o.scope)).toEqual(['items:read', null]);
  });

  it('lists shared and referenced parameters', () => {
    expect(reference.tags[0]!.operations[0]!.parameters).toEqual([
      { name: 'lotId', in: 'path', type: 'string', required: true, description: '' },
      { name: 'If-None-Match', in: 'header', type: 'string', required: false, description: 'An ETag.' },
    ]);
  });

  it('shows request bodies and answers with their schema fields and examples, following $refs', () => {
    const [get, post] = reference.tags[0]!.operations;
    expect(post!.requestBody).toMatchObject({ contentType: 'application/json', schema: { name: 'Lot' }, example: '{\n  "gtin": "1"\n}' });
    expect(get!.responses.map((r) => [r.status, r.description, r.schema?.name ?? null])).toEqual([
      ['200', 'The lot.', 'Lot'],
      ['404', 'Not found.', 'Problem'],
    ]);
    expect(get!.responses[0]!.schema!.fields).toEqual([
      { name: 'gtin', type: 'string', ref: null, required: true, description: 'GTIN-14.' },
      { name: 'expiry', type: 'string (date)', ref: null, required: false, description: '' },
      { name: 'serials', type: 'array of Serial', ref: 'Serial', required: false, description: '' },
    ]);
  });

  it('lists every named schema', () => {
    expect(reference.schemas.map((s) => [s.name, s.type])).toEqual([
      ['Lot', 'object'],
      ['Problem', 'object'],
      ['Me', 'object'],
      ['Serial', 'string'],
    ]);
  });

  it('lists the properties of inline objects beneath theirs, by a dotted name', () => {
    const fields = (name: string) => reference.schemas.find((s) => s.name === name)!.fields.map((f) => [f.name, f.type, f.required]);
    expect(fields('Me')).toEqual([
      ['apiKey', 'object', false],
      ['apiKey.id', 'string', false],
    ]);
    expect(fields('Problem')).toEqual([
      ['code', 'string', false],
      ['errors', 'array of object', false],
      ['errors[].code', 'string', true],
    ]);
  });

  it('words types in a few words', () => {
    expect(typeText({ enum: ['open', 'closed'] })).toBe('"open" | "closed"');
    expect(typeText({ type: ['string', 'null'] })).toBe('string | null');
    expect(typeText({ oneOf: [{ $ref: '#/components/schemas/A' }, { type: 'integer' }] })).toBe('A | integer');
  });
});
