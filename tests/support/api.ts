// The partner REST API (/api/v1) for tests: keys made through the same use case the portal calls,
// and a client that checks EVERY answer against the OpenAPI document the server serves, with an
// independent validator (@hyperjump/json-schema, not the Ajv that validates requests): a status
// the document does not list, another content type, or a body off its schema fails the test.
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validate } from '@hyperjump/json-schema/openapi-3-1';
import { randomBase32 } from '../../shared/ids.ts';

export { createTestApiKey } from './api-keys.ts';

export interface ApiAnswer<T = unknown> {
  status: number;
  headers: Headers;
  /** The parsed JSON body (problem+json too), or null without a body. */
  body: T;
  text: string;
}

export interface ApiCall {
  /** A JSON body (sent as application/json unless `headers` say otherwise). */
  json?: unknown;
  /** A raw body (with a Content-Type in `headers`). */
  body?: BodyInit;
  form?: FormData;
  headers?: Record<string, string>;
}

const pointerSegment = (s: string) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'));

type Doc = { paths: Record<string, Record<string, { responses: Record<string, unknown> }>>; components: { responses: Record<string, unknown> } };

/** The served document, fetched once per server and written where the validator reads it. */
const documents = new Map<string, Promise<{ file: string; doc: Doc }>>();

function loadDocument(baseUrl: string): Promise<{ file: string; doc: Doc }> {
  let loaded = documents.get(baseUrl);
  if (!loaded) {
    loaded = (async () => {
      const res = await fetch(`${baseUrl}/api/v1/openapi.json`);
      if (res.status !== 200) throw new Error(`GET /api/v1/openapi.json answered ${res.status}: ${await res.text()}`);
      const text = await res.text();
      const file = join(tmpdir(), `lotbridge-${randomBase32(8)}.openapi.json`);
      writeFileSync(file, text);
      process.once('exit', () => rmSync(file, { force: true }));
      return { file, doc: JSON.parse(text) as Doc };
    })();
    documents.set(baseUrl, loaded);
  }
  return loaded;
}

/** The documented path template `path` (under /api/v1) matches, with its method's operation. */
function documentedPath(doc: Doc, method: string, path: string): string | undefined {
  const bare = path.split('?')[0]!;
  return Object.keys(doc.paths).find((template) => doc.paths[template]![method] && new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`).test(bare));
}

/**
 * A client of one server's /api/v1 with one key. Every answer is checked against the served
 * document: the status must be listed for the operation, the content type must be one the
 * response lists (no body where it lists none), and the body must match that content's schema.
 */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
  ) {}

  withToken(token: string | undefined): ApiClient {
    return new ApiClient(this.baseUrl, token);
  }

  get<T = unknown>(path: string, call: ApiCall = {}): Promise<ApiAnswer<T>> {
    return this.request<T>('get', path, call);
  }

  post<T = unknown>(path: string, json: unknown, call: ApiCall = {}): Promise<ApiAnswer<T>> {
    return this.request<T>('post', path, { json, ...call });
  }

  async request<T = unknown>(method: string, path: string, call: ApiCall = {}): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { ...(this.token && { Authorization: `Bearer ${this.token}` }), ...call.headers };
    let body: BodyInit | undefined = call.body ?? call.form;
    if (call.json !== undefined) {
      body = JSON.stringify(call.json);
      headers['Content-Type'] ??= 'application/json';
    }
    const res = await fetch(`${this.baseUrl}/api/v1${path}`, { method: method.toUpperCase(), headers, body, redirect: 'manual' });
    const text = await res.text();
    const answer: ApiAnswer<T> = { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as T, text };
    await this.check(method, path, answer);
    return answer;
  }

  /** Throws when the answer is not one the document describes. */
  async check(method: string, path: string, answer: ApiAnswer): Promise<void> {
    const { file, doc } = await loadDocument(this.baseUrl);
    const where = `${method.toUpperCase()} ${path} → ${answer.status}`;
    const template = documentedPath(doc, method, path);
    const type = (answer.headers.get('Content-Type') ?? '').split(';')[0]!.trim();
    if (!template) {
      // Nothing documented here (a test asking for what does not exist): still a problem+json.
      if (answer.status < 400 || type !== 'application/problem+json') throw new Error(`${where}: an undocumented path answered ${type || 'without a body'}`);
      return;
    }
    let pointer = `/paths/${pointerSegment(template)}/${method}/responses/${answer.status}`;
    let response = doc.paths[template]![method]!.responses[String(answer.status)] as { $ref?: string; content?: Record<string, unknown> } | undefined;
    if (!response) throw new Error(`${where}: the document lists no ${answer.status} for this operation (${Object.keys(doc.paths[template]![method]!.responses).join(', ')}):\n${answer.text}`);
    if (response.$ref) {
      const name = response.$ref.slice('#/components/responses/'.length);
      response = doc.components.responses[name] as typeof response;
      pointer = `/components/responses/${pointerSegment(name)}`;
    }
    const content = response!.content;
    if (!content) {
      if (answer.text) throw new Error(`${where}: the document lists no body, the answer has one:\n${answer.text}`);
      return;
    }
    if (!content[type]) throw new Error(`${where}: Content-Type ${type || '(none)'} is not among ${Object.keys(content).join(', ')}`);
    const output = await validate(`file://${file}#${pointer}/content/${pointerSegment(type)}/schema`, answer.body as never, 'BASIC');
    if (!output.valid) throw new Error(`${where}: the body does not match the document:\n${JSON.stringify(output.errors, null, 2)}\n${answer.text}`);
  }
}

/**
 * Every item of a list, page by page from the first (`path` with its query, without a cursor),
 * each page asserted 200; the items in the order handed out.
 */
export async function allItems<T>(client: ApiClient, path: string): Promise<T[]> {
  const seen: T[] = [];
  let cursor: string | null = null;
  for (let n = 0; n < 100; n++) {
    const res: ApiAnswer<{ items: T[]; nextCursor: string | null }> = await client.get(cursor ? `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}` : path);
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${res.text}`);
    seen.push(...res.body.items);
    cursor = res.body.nextCursor;
    if (!cursor) return seen;
  }
  throw new Error(`GET ${path}: no last page after 100`);
}
