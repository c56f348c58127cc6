import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { AppError, problem as fieldProblem, refusal } from '../../../shared/errors.ts';
import { createLogger } from '../../../shared/log.ts';
import type { GatewayEnv } from '../../env.ts';
import { requestId } from '../request-id/index.ts';
import { notFoundProblem, onProblem, problem, problemTypeBase } from './index.ts';

/** An app whose handlers throw what they are told, with the gateway's request id and a logger that keeps its lines. */
function app() {
  const lines: Record<string, unknown>[] = [];
  const a = new Hono<GatewayEnv>();
  a.use(requestId());
  a.use(async (c, next) => {
    c.set('log', createLogger('info', {}, (line) => lines.push(JSON.parse(line))));
    await next();
  });
  a.get('/app-error', () => {
    throw refusal('invalid_input', 'the lot is not valid', { lot: fieldProblem('common.required'), 'lines/0/quantity': fieldProblem('common.tooLong', { max: 3 }) });
  });
  a.get('/conflict', () => {
    throw new AppError('conflict', 'the lot changed meanwhile');
  });
  a.get('/bug', () => {
    throw new Error('secret internals');
  });
  a.get('/teapot', () => {
    throw Object.assign(new Error('short and stout'), { status: 418 });
  });
  a.get('/unhealthy', (c) => problem(c, { type: 'about:blank', title: 'unhealthy', status: 503, detail: 'database: down' }));
  a.notFound(notFoundProblem());
  a.onError(onProblem());
  return { app: a, lines };
}

async function answer(res: Response) {
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  return { status: res.status, body: await res.json(), requestId: res.headers.get('x-request-id') };
}

describe('problem+json (RFC 9457)', () => {
  it('problem() answers with the status, the path as instance and the request id', async () => {
    const got = await answer(await app().app.request('/unhealthy'));
    expect(got.status).toBe(503);
    expect(got.body).toEqual({ type: 'about:blank', title: 'unhealthy', status: 503, detail: 'database: down', instance: '/unhealthy', requestId: got.requestId });
  });

  it('an unknown path is a 404 problem naming the method and path', async () => {
    const got = await answer(await app().app.request('/api/v1/nothing', { method: 'POST' }));
    expect(got).toMatchObject({ status: 404, body: { type: 'about:blank', title: 'not found', status: 404, detail: 'nothing at POST /api/v1/nothing', instance: '/api/v1/nothing' } });
    expect(got.body.requestId).toBe(got.requestId);
  });

  it('an AppError keeps its code, its status, its message and its field problems', async () => {
    const { app: a } = app();
    expect(await answer(await a.request('/app-error'))).toMatchObject({
      status: 400,
      body: {
        type: `${problemTypeBase}invalid_input`,
        title: 'invalid input',
        status: 400,
        code: 'invalid_input',
        detail: 'the lot is not valid',
        // Each field problem: where (a JSON pointer), its code and values, and its English text.
        errors: [
          { pointer: '/lot', code: 'common.required', detail: 'Required.' },
          { pointer: '/lines/0/quantity', code: 'common.tooLong', params: { max: 3 }, detail: 'Too long: at most 3 characters.' },
        ],
      },
    });
    expect(await answer(await a.request('/conflict'))).toMatchObject({ status: 409, body: { code: 'conflict', detail: 'the lot changed meanwhile' } });
  });

  it('an unexpected error is a 500 that hides its message, quotes the request id and is logged with it', async () => {
    const { app: a, lines } = app();
    const got = await answer(await a.request('/bug'));
    expect(got.status).toBe(500);
    expect(JSON.stringify(got.body)).not.toContain('secret internals');
    expect(got.body).toMatchObject({ type: `${problemTypeBase}internal`, title: 'internal error', detail: `something went wrong on our side; quote request id ${got.requestId} to support` });
    expect(lines).toMatchObject([{ level: 'error', msg: 'unhandled error', err: { message: 'secret internals' } }]);
  });

  it('an error that carries a 4xx status keeps it and its message', async () => {
    expect(await answer(await app().app.request('/teapot'))).toMatchObject({ status: 418, body: { type: 'about:blank', title: 'short and stout', detail: 'short and stout' } });
  });
});
