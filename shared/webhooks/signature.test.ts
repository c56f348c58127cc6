import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { generateSecret, signatureHeaders, verifySignature } from './signature.ts';

const body = JSON.stringify({ type: 'lot.submitted', timestamp: '2026-03-02T09:00:00.000Z', data: { lot: 'L1' } });
const now = new Date('2026-03-02T09:00:00Z');
const ts = Math.floor(now.getTime() / 1000);

describe('Standard Webhooks signatures', () => {
  it('are accepted by the independent standardwebhooks package', () => {
    const secret = generateSecret();
    const headers = signatureHeaders([secret], 'msg_1', Math.floor(Date.now() / 1000), body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('carry one signature per secret during rotation, each verifiable alone', () => {
    const [oldSecret, newSecret] = [generateSecret(), generateSecret()];
    const headers = signatureHeaders([oldSecret, newSecret], 'msg_2', Math.floor(Date.now() / 1000), body);
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(() => new Webhook(oldSecret).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(newSecret).verify(body, headers)).not.toThrow();
  });

  it('verify what the standardwebhooks package signs', () => {
    const secret = generateSecret();
    const signature = new Webhook(secret).sign('msg_3', now, body);
    expect(verifySignature([secret], { id: 'msg_3', timestamp: String(ts), signature }, body, now)).toEqual({ id: 'msg_3', timestamp: ts });
  });

  it.each([
    ['a tampered body', (h: Record<string, string>) => h, body.replace('L1', 'L2'), now, /no webhook-signature matches/],
    ['a wrong secret', (h: Record<string, string>) => ({ ...h, 'webhook-signature': signatureHeaders([generateSecret()], 'msg_4', ts, body)['webhook-signature']! }), body, now, /no webhook-signature matches/],
    ['a stale timestamp', (h: Record<string, string>) => h, body, new Date(now.getTime() + 301_000), /away from our clock/],
    ['a future timestamp', (h: Record<string, string>) => h, body, new Date(now.getTime() - 301_000), /away from our clock/],
    ['a missing signature', (h: Record<string, string>) => ({ ...h, 'webhook-signature': '' }), body, now, /missing/],
    ['a non-numeric timestamp', (h: Record<string, string>) => ({ ...h, 'webhook-timestamp': '2026-03-02' }), body, now, /whole seconds/],
  ] as [string, (h: Record<string, string>) => Record<string, string>, string, Date, RegExp][])('refuse %s', (_name, change, sentBody, at, message) => {
    const secret = generateSecret();
    const h = change(signatureHeaders([secret], 'msg_4', ts, body));
    expect(() =>
      verifySignature([secret], { id: h['webhook-id'], timestamp: h['webhook-timestamp'], signature: h['webhook-signature'] }, sentBody, at),
    ).toThrow(message);
  });
});
