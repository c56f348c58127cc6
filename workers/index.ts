import { DurableObject } from 'cloudflare:workers';

export interface Env {
  LOTBRIDGE: DurableObjectNamespace<Lotbridge>;
}

export class Lotbridge extends DurableObject<Env> {
  override async fetch(): Promise<Response> {
    return new Response('ok');
  }
}

export default {
  async fetch(request, env) {
    return env.LOTBRIDGE.get(env.LOTBRIDGE.idFromName('lotbridge')).fetch(request);
  },
} satisfies ExportedHandler<Env>;
