// The REST API reference page's reading of the OpenAPI 3.1 document (gateway/api/openapi.ts):
// operations grouped by tag, each with its scope, parameters, request body and answers, and the
// named schemas as tables of their properties. Drawn from the very document the API serves, so
// the page cannot describe another API than the one that answers.

type Json = { [key: string]: unknown };

export interface SchemaField {
  name: string;
  type: string;
  /** The named schema the field's type refers to (the page links to it). */
  ref: string | null;
  required: boolean;
  description: string;
}

export interface SchemaView {
  /** The name under components.schemas, when the schema is a named one. */
  name: string | null;
  type: string;
  description: string;
  /** An object's properties; empty for other shapes. */
  fields: SchemaField[];
}

export interface OperationView {
  id: string;
  method: string;
  path: string;
  summary: string;
  description: string;
  scope: string | null;
  parameters: { name: string; in: string; type: string; required: boolean; description: string }[];
  requestBody: { contentType: string; schema: SchemaView; example: string | null } | null;
  responses: { status: string; description: string; schema: SchemaView | null; example: string | null }[];
}

export interface ApiReference {
  title: string;
  version: string;
  description: string;
  tags: { name: string; description: string; operations: OperationView[] }[];
  schemas: (SchemaView & { name: string })[];
}

const methods = ['get', 'post', 'put', 'patch', 'delete'] as const;
const refName = (ref: unknown) => (typeof ref === 'string' ? ref.slice(ref.lastIndexOf('/') + 1) : '');
const text = (v: unknown) => (typeof v === 'string' ? v : '');
const asJson = (v: unknown): Json => (v && typeof v === 'object' ? (v as Json) : {});
const pretty = (v: unknown) => (v === undefined ? null : JSON.stringify(v, null, 2));

/** A schema's type in a few words: `string (date)`, `array of Lot`, `"open" | "closed"`. */
export function typeText(schema: unknown): string {
  const s = asJson(schema);
  if (s.$ref) return refName(s.$ref);
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  for (const k of ['oneOf', 'anyOf'] as const) if (Array.isArray(s[k])) return (s[k] as unknown[]).map(typeText).join(' | ');
  if (Array.isArray(s.allOf)) return (s.allOf as unknown[]).map(typeText).join(' & ');
  const types = Array.isArray(s.type) ? (s.type as string[]) : s.type ? [String(s.type)] : [];
  const words = types.map((t) => (t === 'array' ? `array of ${typeText(s.items)}` : s.format && t !== 'null' ? `${t} (${String(s.format)})` : t));
  return words.join(' | ') || 'any';
}

/** The named schema a type refers to, directly or as the items of an array. */
function refOf(schema: unknown): string | null {
  const s = asJson(schema);
  if (s.$ref) return refName(s.$ref);
  if (s.items) return refOf(s.items);
  return null;
}

/**
 * An object's properties as rows; an inline object (or array of them) adds its own properties
 * beneath with a dotted name (`apiKey.scopes`, `lines[].gtin`), so nothing hides behind "object".
 */
function fieldsOf(target: Json, prefix = '', depth = 0): SchemaField[] {
  const required = new Set(Array.isArray(target.required) ? (target.required as string[]) : []);
  return Object.entries(asJson(target.properties)).flatMap(([field, p]) => {
    const property = asJson(p);
    const row = { name: prefix + field, type: typeText(p), ref: refOf(p), required: required.has(field), description: text(property.description) };
    const inner = property.properties ? property : asJson(property.items).properties ? asJson(property.items) : null;
    if (!inner || depth >= 3) return [row];
    return [row, ...fieldsOf(inner, `${prefix}${field}${inner === property ? '' : '[]'}.`, depth + 1)];
  });
}

function schemaView(schema: unknown, doc: Json): SchemaView {
  const s = asJson(schema);
  const name = s.$ref ? refName(s.$ref) : null;
  const target = name ? asJson(asJson(asJson(doc.components).schemas)[name]) : s;
  return { name, type: typeText(target), description: text(target.description), fields: fieldsOf(target) };
}

/** Follows a `$ref` into the document (`#/components/responses/NotFound`). */
function resolve(doc: Json, value: unknown): Json {
  const v = asJson(value);
  if (typeof v.$ref !== 'string' || !v.$ref.startsWith('#/')) return v;
  return asJson(v.$ref.slice(2).split('/').reduce<unknown>((node, key) => asJson(node)[key], doc));
}

/** The scope the operation needs: the one `scopes` knows, `x-scope`, else the first its security requirement names. */
function scopeOf(operation: Json, scopes: Record<string, string | null>): string | null {
  const known = scopes[text(operation.operationId)];
  if (known !== undefined) return known;
  if (typeof operation['x-scope'] === 'string') return operation['x-scope'];
  for (const requirement of Array.isArray(operation.security) ? operation.security : []) {
    for (const scopes of Object.values(asJson(requirement))) if (Array.isArray(scopes) && scopes.length) return String(scopes[0]);
  }
  return null;
}

function firstContent(content: unknown): { contentType: string; media: Json } | null {
  const [entry] = Object.entries(asJson(content));
  return entry ? { contentType: entry[0], media: asJson(entry[1]) } : null;
}

function exampleOf(media: Json): string | null {
  if (media.example !== undefined) return pretty(media.example);
  const [first] = Object.values(asJson(media.examples));
  return first ? pretty(asJson(first).value) : null;
}

function operationView(doc: Json, path: string, method: string, operation: Json, shared: unknown[], scopes: Record<string, string | null>): OperationView {
  const parameters = [...shared, ...(Array.isArray(operation.parameters) ? operation.parameters : [])].map((p) => {
    const param = resolve(doc, p);
    return { name: text(param.name), in: text(param.in), type: typeText(param.schema), required: param.required === true, description: text(param.description) };
  });
  const body = firstContent(resolve(doc, operation.requestBody).content);
  return {
    id: text(operation.operationId) || `${method}-${path}`,
    method: method.toUpperCase(),
    path,
    summary: text(operation.summary),
    description: text(operation.description),
    scope: scopeOf(operation, scopes),
    parameters,
    requestBody: body ? { contentType: body.contentType, schema: schemaView(body.media.schema, doc), example: exampleOf(body.media) } : null,
    responses: Object.entries(asJson(operation.responses)).map(([status, r]) => {
      const response = resolve(doc, r);
      const content = firstContent(response.content);
      return { status, description: text(response.description), schema: content?.media.schema ? schemaView(content.media.schema, doc) : null, example: content ? exampleOf(content.media) : null };
    }),
  };
}

/**
 * The document as the reference page shows it: tags in the document's order (then as met),
 * operations in path order. `scopes` names each operation's scope by operationId where the
 * document says it only in prose.
 */
export function apiReference(document: unknown, scopes: Record<string, string | null> = {}): ApiReference {
  const doc = asJson(document);
  const info = asJson(doc.info);
  const tags = new Map<string, { name: string; description: string; operations: OperationView[] }>();
  for (const t of Array.isArray(doc.tags) ? doc.tags : []) tags.set(text(asJson(t).name), { name: text(asJson(t).name), description: text(asJson(t).description), operations: [] });
  for (const [path, item] of Object.entries(asJson(doc.paths))) {
    const pathItem = asJson(item);
    for (const method of methods) {
      const operation = pathItem[method];
      if (!operation) continue;
      const view = operationView(doc, path, method, asJson(operation), Array.isArray(pathItem.parameters) ? pathItem.parameters : [], scopes);
      for (const tag of (asJson(operation).tags as string[] | undefined) ?? ['API']) {
        if (!tags.has(tag)) tags.set(tag, { name: tag, description: '', operations: [] });
        tags.get(tag)!.operations.push(view);
      }
    }
  }
  const schemas = Object.keys(asJson(asJson(doc.components).schemas)).map((name) => ({ ...schemaView({ $ref: `#/components/schemas/${name}` }, doc), name }));
  return {
    title: text(info.title),
    version: text(info.version),
    description: text(info.description),
    tags: [...tags.values()].filter((t) => t.operations.length),
    schemas,
  };
}
