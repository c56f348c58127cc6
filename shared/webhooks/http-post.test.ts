import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerWith, closedPort, startHttpReceiver, type HttpReceiver } from '../../tests/support/http-receiver.ts';
import { InternalAddressError } from '../net/resolve-target.ts';
import { createHttpPoster as fetchPoster, postBytes as fetchPostBytes } from './http-post-fetch.ts';
import { createHttpPoster as nodePoster, postBytes as nodePostBytes } from './http-post-node.ts';
import type { CreateHttpPoster, PostBytes } from './http-post.ts';

// Both sides of `#runtime/http-post` against one real receiver on loopback: the same outcomes.
describe.each([
  ['node:http (Node)', nodePoster],
  ['fetch (Workers)', fetchPoster],
] as [string, CreateHttpPoster][])('a webhook POST over %s', (_name, create) => {
  let receiver: HttpReceiver;
  const post = create(4);
  const internal = { internal: true };
  beforeAll(async () => void (receiver = await startHttpReceiver()));
  afterAll(async () => {
    post.close();
    await receiver.close();
  });

  it('sends the body and headers and resolves with the status, Retry-After and an excerpt of the answer', async () => {
    receiver.answer(answerWith(503, 'busy, come back later', { 'retry-after': '120' }));
    const result = await post(`${receiver.url}/erp/hook`, { 'content-type': 'application/json', 'webhook-id': 'msg_1' }, '{"type":"lot.released"}', 5000, internal);
    expect(result).toEqual({ status: 503, retryAfter: '120', excerpt: 'busy, come back later' });
    const got = receiver.received.at(-1)!;
    expect(got).toMatchObject({ method: 'POST', path: '/erp/hook', headers: { 'content-type': 'application/json', 'webhook-id': 'msg_1', 'content-length': '23' } });
    expect(got.body.toString()).toBe('{"type":"lot.released"}');
  });

  it('does not follow a redirect: the 3xx is the answer, and nothing is sent where it points', async () => {
    receiver.answer((req, res) => (req.path === '/moved' ? res.writeHead(302, { location: '/elsewhere' }).end() : res.writeHead(204).end()));
    const before = receiver.received.length;
    expect(await post(`${receiver.url}/moved`, {}, 'x', 5000, internal)).toMatchObject({ status: 302, retryAfter: null });
    expect(receiver.received.slice(before).map((r) => r.path)).toEqual(['/moved']);
  });

  it('keeps 512 bytes of a long answer and reads no further: an endless answer is not waited for', async () => {
    receiver.answer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = 'é'.repeat(4096);
      const more = () => {
        if (!res.destroyed) res.write(chunk, () => setTimeout(more, 5));
      };
      more();
    });
    const result = await post(`${receiver.url}/endless`, {}, 'x', 60_000, internal);
    expect(result.status).toBe(200);
    expect(Buffer.byteLength(result.excerpt.replace(/\uFFFD$/, ''))).toBeLessThanOrEqual(512);
    expect(result.excerpt.startsWith('é'.repeat(255))).toBe(true);
  });

  it('rejects with a TimeoutError when no answer comes in time', async () => {
    receiver.answer(() => undefined);
    await expect(post(`${receiver.url}/hang`, {}, 'x', 200, internal)).rejects.toMatchObject({ name: 'TimeoutError', message: 'no answer within 200 ms' });
  });

  it('rejects with the network error code when nothing listens', async () => {
    const port = await closedPort();
    await expect(post(`http://127.0.0.1:${port}/`, {}, 'x', 5000, internal)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('refuses a loopback or private address unless the endpoint is internal, before anything is sent', async () => {
    receiver.answer(answerWith(204));
    const before = receiver.received.length;
    await expect(post(`${receiver.url}/hook`, {}, 'x', 5000)).rejects.toBeInstanceOf(InternalAddressError);
    await expect(post(`${receiver.url.replace('127.0.0.1', 'localhost')}/hook`, {}, 'x', 5000, { internal: false })).rejects.toBeInstanceOf(InternalAddressError);
    await expect(post('http://169.254.169.254/latest/meta-data', {}, 'x', 5000)).rejects.toThrow(/169\.254\.169\.254 is a link-local address/);
    expect(receiver.received.length).toBe(before);
    expect((await post(`${receiver.url}/hook`, {}, 'x', 5000, internal)).status).toBe(204);
  });
});

describe.each([
  ['node:http (Node)', nodePostBytes],
  ['fetch (Workers)', fetchPostBytes],
] as [string, PostBytes][])('an async MDN POST over %s', (_name, postBytes) => {
  let receiver: HttpReceiver;
  beforeAll(async () => void (receiver = await startHttpReceiver()));
  afterAll(async () => receiver.close());

  it('sends the bytes and headers and resolves with the status, without following a redirect', async () => {
    receiver.answer(answerWith(302, 'elsewhere', { location: '/other' }));
    const bytes = new Uint8Array([0, 1, 2, 250, 13, 10]);
    const answer = await postBytes(new URL(`${receiver.url}/mdn`), { 'content-type': 'multipart/report', 'as2-to': 'ACME' }, bytes, 5000);
    expect(answer).toEqual({ status: 302, statusText: 'Found' });
    expect(receiver.received.map((r) => r.path)).toEqual(['/mdn']);
    expect(receiver.received[0]).toMatchObject({ headers: { 'content-type': 'multipart/report', 'as2-to': 'ACME', 'content-length': '6' } });
    expect([...receiver.received[0]!.body]).toEqual([...bytes]);
  });

  it('rejects when no answer comes in time or nothing listens', async () => {
    receiver.answer(() => undefined);
    await expect(postBytes(new URL(`${receiver.url}/hang`), {}, new Uint8Array(1), 200)).rejects.toThrow();
    await expect(postBytes(new URL(`http://127.0.0.1:${await closedPort()}/`), {}, new Uint8Array(1), 5000)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('a pinned async MDN POST', () => {
  it('on Node connects to the checked address, whatever the name resolves to, with the Host of the URL', async () => {
    const receiver = await startHttpReceiver(answerWith(200));
    try {
      const port = new URL(receiver.url).port;
      const answer = await nodePostBytes(new URL(`http://mdn.partner.invalid:${port}/mdn`), {}, new Uint8Array(1), 5000, { address: '127.0.0.1', family: 4 });
      expect(answer.status).toBe(200);
      expect(receiver.received[0]!.headers.host).toBe(`mdn.partner.invalid:${port}`);
    } finally {
      await receiver.close();
    }
  });

  it('over fetch is refused (it cannot pin; on Workers none is ever asked)', async () => {
    await expect(fetchPostBytes(new URL('http://mdn.partner.invalid/'), {}, new Uint8Array(1), 5000, { address: '127.0.0.1', family: 4 })).rejects.toThrow(/pinned/);
  });
});
