import { DurableObject } from 'cloudflare:workers';
import { Server, manifest } from './portal.js';
import { installAppContext, type AppContext } from '../shared/context.ts';
import { requestIdFrom } from '../shared/metrics.ts';
import { createGateway, isGatewayPath } from '../gateway/app.ts';
import { openWorkersApp, stringVars } from './open-app.ts';

type Env = Cloudflare.Env;

/**
 * Lotbridge on Workers: one SQLite-backed Durable Object is the database and runs the whole app
 * (portal and gateway) next to it, so every use case's statements are local calls and its
 * transaction never leaves the object (README, "Cloudflare Workers"). The Worker in front only
 * forwards: static files are answered by the assets before it runs.
 */
export class Lotbridge extends DurableObject<Env> {
  #app: Promise<AppContext>;
  #portal: Promise<Server>;
  #gateway?: ReturnType<typeof createGateway>;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Every request awaits this: none is served before the database is migrated and the keys
    // installed. (Not blockConcurrencyWhile: under vitest-pool-workers, modules still loading
    // arrive as events that it would hold back.)
    this.#app = openWorkersApp(ctx.storage, env);
    this.#portal = this.#app.then(async (app) => {
      installAppContext(app);
      const server = new Server(manifest);
      await server.init({ env: stringVars(env), read: (file) => this.#asset(file) });
      return server;
    });
  }

  /** The app this object runs (for `runInDurableObject` in tests/workers and operator calls over RPC). */
  app(): Promise<AppContext> {
    return this.#app;
  }

  async #asset(file: string): Promise<ReadableStream> {
    const response = await this.env.ASSETS.fetch(`http://assets.local/${file}`);
    if (!response.ok || !response.body) throw new Error(`the static file ${file} could not be read (${response.status})`);
    return response.body;
  }

  override async fetch(request: Request): Promise<Response> {
    const app = await this.#app;
    const requestId = requestIdFrom(request.headers.get('x-request-id'));
    const headers = new Headers(request.headers);
    headers.set('x-request-id', requestId);
    const req = new Request(request, { headers });
    if (isGatewayPath(new URL(req.url).pathname)) {
      this.#gateway ??= createGateway(() => app);
      return this.#gateway.fetch(req);
    }
    const server = await this.#portal;
    const response = await server.respond(req, {
      platform: { env: this.env, ctx: this.ctx },
      getClientAddress: () => request.headers.get('cf-connecting-ip') ?? '127.0.0.1',
    });
    return response;
  }
}

function lotbridge(env: Env): DurableObjectStub<Lotbridge> {
  return env.LOTBRIDGE.get(env.LOTBRIDGE.idFromName('lotbridge'));
}

export default {
  fetch: (request, env) => lotbridge(env).fetch(request),
} satisfies ExportedHandler<Env>;
