import './wasm-modules.ts';
import { DurableObject } from 'cloudflare:workers';
import { Server, manifest } from './portal.js';
import { installAppContext, type AppContext } from '../shared/context.ts';
import { requestIdFrom } from '../shared/metrics.ts';
import { createGateway, isGatewayPath } from '../gateway/app.ts';
import { openWorkersApp, stringVars } from './open-app.ts';
import { workersBackground } from './background.ts';
import type { BackgroundPass, BackgroundWork } from '../shared/scheduling/background-work.ts';

type Env = Cloudflare.Env;

/**
 * Lotbridge on Workers: one SQLite-backed Durable Object is the database and runs the whole app
 * (portal and gateway) next to it, so every use case's statements are local calls and its
 * transaction never leaves the object (README, "Cloudflare Workers"). The Worker in front only
 * forwards: static files are answered by the assets before it runs.
 */
export class Lotbridge extends DurableObject<Env> {
  #app?: Promise<AppContext>;
  #portal?: Promise<Server>;
  #gateway?: ReturnType<typeof createGateway>;
  #background?: BackgroundWork;

  /**
   * The app this object runs, opened on first use: the database migrated and the keys installed
   * before any request is served (every request awaits it), opened again after a failed start.
   * (Not blockConcurrencyWhile: under vitest-pool-workers, modules still loading arrive as
   * events that it would hold back.) Also for `runInDurableObject` in tests/workers.
   */
  app(): Promise<AppContext> {
    this.#app ??= openWorkersApp(this.ctx.storage, this.env).catch((e: unknown) => {
      this.#app = undefined;
      throw e;
    });
    return this.#app;
  }

  #server(app: AppContext): Promise<Server> {
    this.#portal ??= (async () => {
      installAppContext(app);
      const server = new Server(manifest);
      await server.init({ env: stringVars(this.env), read: (file) => this.#asset(file) });
      return server;
    })();
    return this.#portal;
  }

  async #asset(file: string): Promise<ReadableStream> {
    const response = await this.env.ASSETS.fetch(`http://assets.local/${file}`);
    if (!response.ok || !response.body) throw new Error(`the static file ${file} could not be read (${response.status})`);
    return response.body;
  }

  /**
   * One pass of every background worker (webhooks, mail, AS2, EDIFACT, reminders, audit check):
   * from the Cron Trigger (`scheduled`, over RPC) and from this object's alarm.
   */
  async runBackground(): Promise<BackgroundPass> {
    const app = await this.app();
    this.#background ??= workersBackground(app, this.env);
    return this.#background.runOnce();
  }

  /** Set after a request that may have queued work (mail, events, AS2): see #soon. */
  override async alarm(): Promise<void> {
    await this.runBackground();
  }

  /** Runs the pass BACKGROUND_DELAY_SECONDS (default 1) after a write request, not at the next cron minute. */
  async #soon(): Promise<void> {
    const seconds = Number(this.env.BACKGROUND_DELAY_SECONDS ?? '1');
    if (!(seconds > 0)) throw new Error(`BACKGROUND_DELAY_SECONDS must be a positive number of seconds (got "${this.env.BACKGROUND_DELAY_SECONDS}")`);
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + seconds * 1000);
  }

  override async fetch(request: Request): Promise<Response> {
    const app = await this.app();
    if (request.method !== 'GET' && request.method !== 'HEAD') await this.#soon();
    const requestId = requestIdFrom(request.headers.get('x-request-id'));
    const headers = new Headers(request.headers);
    headers.set('x-request-id', requestId);
    const req = new Request(request, { headers });
    // Machine paths go straight to the gateway, as on Node: no SvelteKit form check or body limit.
    if (isGatewayPath(new URL(req.url).pathname)) {
      this.#gateway ??= createGateway(() => app);
      // The client's address as Cloudflare's edge gives it: AS2 refusals are counted and recorded by source.
      return this.#gateway.fetch(req, { clientAddress: request.headers.get('cf-connecting-ip') ?? undefined });
    }
    const server = await this.#server(app);
    return server.respond(req, {
      platform: { env: this.env, ctx: this.ctx },
      getClientAddress: () => request.headers.get('cf-connecting-ip') ?? '127.0.0.1',
    });
  }
}

function lotbridge(env: Env): DurableObjectStub<Lotbridge> {
  return env.LOTBRIDGE.get(env.LOTBRIDGE.idFromName('lotbridge'));
}

export default {
  fetch: (request, env) => lotbridge(env).fetch(request),
  // Every minute (wrangler.toml [triggers]): the time-driven work (reminders, retries, the audit check).
  async scheduled(_controller, env) {
    await lotbridge(env).runBackground();
  },
} satisfies ExportedHandler<Env>;
