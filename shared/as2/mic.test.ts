import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseDisposition } from './mdn.ts';
import { computeMic, micAlgorithmFromName, micAlgorithmLabel, parseDispositionNotificationOptions } from './mic.ts';

describe('MIC', () => {
  it('normalises the micalg spellings peers use', () => {
    expect(['sha1', 'SHA1', 'sha-1', 'sha-256', 'SHA256', 'rsa-sha512', 'md5'].map(micAlgorithmFromName)).toEqual(['sha1', 'sha1', 'sha1', 'sha256', 'sha256', 'sha512', 'md5']);
    expect(micAlgorithmFromName('whirlpool')).toBeUndefined();
    expect(['sha1', 'sha256', 'sha512'].map((a) => micAlgorithmLabel(a as 'sha1'))).toEqual(['sha1', 'sha-256', 'sha-512']);
  });

  it('is the base64 digest of the bytes it is given', () => {
    const data = new TextEncoder().encode('Content-Type: application/edifact\r\n\r\nUNA\r\n');
    expect(computeMic(data, 'sha256')).toEqual({ value: createHash('sha256').update(data).digest('base64'), algorithm: 'sha256' });
  });

  it('reads Disposition-Notification-Options in the sender’s order, keeping unknown algorithms visible', () => {
    const request = parseDispositionNotificationOptions('signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, whirlpool, sha-256, sha1');
    expect(request).toEqual({ signed: true, micAlgorithms: ['sha256', 'sha1'], requestedMicAlgorithms: ['whirlpool', 'sha-256', 'sha1'] });
    expect(parseDispositionNotificationOptions(undefined)).toEqual({ signed: false, micAlgorithms: [], requestedMicAlgorithms: [] });
  });
});

describe('Disposition field', () => {
  it('splits action mode, type and modifier as partners write them', () => {
    expect(parseDisposition('automatic-action/MDN-sent-automatically; processed')).toEqual({ dispositionType: 'processed', modifiers: {} });
    expect(parseDisposition('Automatic-action/mdn-sent-automatically;processed/Error:unexpected-processing-error')).toEqual({ dispositionType: 'processed', modifiers: { error: 'unexpected-processing-error' } });
    expect(parseDisposition('automatic-action/MDN-sent-automatically; processed/warning: duplicate-document').modifiers).toEqual({ warning: 'duplicate-document' });
    expect(parseDisposition('automatic-action/MDN-sent-automatically; failed/Failure: unsupported format').dispositionType).toBe('failed');
  });
});
