import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

const origin = 'http://lotbridge.test';

describe('the Worker', () => {
  it('answers /healthz from the gateway, with the database behind it', async () => {
    const res = await exports.default.fetch(`${origin}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });
});
