// For tests/workers (they run on workerd): the Worker under test reached as a browser or the ERP
// would reach it, the app inside its Durable Object, and what it sent to the outside.
import { env, runInDurableObject } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import type { AppContext } from '../../shared/context.ts';
import { PortalClient } from './http-client.ts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- workers-types declares Env in this namespace
  namespace Cloudflare {
    interface Env {
      /** tests/support/workers-recorder.js: every request the Worker sent to the outside. */
      RECORDER: Fetcher;
    }
  }
}

export const origin = 'http://lotbridge.test';

/** Requests to the Worker itself; like a browser's navigation they accept HTML unless they say otherwise (workerd's fetch sends no Accept). */
function toWorker(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init);
  if (!request.headers.has('accept')) request.headers.set('accept', 'text/html,*/*');
  return exports.default.fetch(request);
}

/** The Worker as a server: its origin and its fetch (for postErpEvent and PortalClient). */
export const worker = { url: origin, fetch: toWorker as typeof fetch };

/** A browser stand-in whose requests go to the Worker. */
export const browser = () => new PortalClient(origin, worker.fetch);

/** The app inside the Durable Object, as its requests see it. */
export function inLotbridge<T>(work: (app: AppContext) => Promise<T>): Promise<T> {
  const stub = env.LOTBRIDGE.get(env.LOTBRIDGE.idFromName('lotbridge'));
  return runInDurableObject(stub, async (instance) => work(await instance.app()));
}

export interface RecordedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

/** Every request the Worker has sent to the outside so far, in order. */
export async function recordedRequests(): Promise<RecordedRequest[]> {
  return (await env.RECORDER.fetch('http://recorder.test/requests')).json();
}
