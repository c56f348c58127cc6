import { describe, expect, it } from 'vitest';
import { checkLiteralHost, classifyUrlTarget, InternalAddressError } from './resolve-target.ts';
import { guardedLookup, systemResolve as nodeResolve } from './resolve-target-node.ts';
import { systemResolve as workerdResolve } from './resolve-target-workerd.ts';
import { internalTargetProblem } from './internal-target.ts';

/** Runs a net-style lookup the way a socket does (all addresses, as Node 20's happy eyeballs asks). */
const lookup = (allowInternal: boolean, host: string) =>
  new Promise<unknown>((resolve, reject) => guardedLookup(allowInternal)(host, { all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))));

describe('checking where a URL goes', () => {
  it('refuses, at connect time, a name that resolves to loopback unless the target is internal', async () => {
    // "localhost" goes through the system resolver here, as any name does.
    await expect(lookup(false, 'localhost')).rejects.toBeInstanceOf(InternalAddressError);
    await expect(lookup(false, 'localhost')).rejects.toThrow(/localhost is (127\.0\.0\.1|::1), a loopback address/);
    const allowed = (await lookup(true, 'localhost')) as { address: string }[];
    expect(allowed.map((a) => a.address)).toContainEqual(expect.stringMatching(/^(127\.0\.0\.1|::1)$/));
  });

  it('refuses address literals (which no resolver sees) unless internal', () => {
    expect(() => checkLiteralHost('169.254.169.254', false)).toThrow(InternalAddressError);
    expect(() => checkLiteralHost('[fd00::1]', false)).toThrow(/unique-local/);
    expect(() => checkLiteralHost('169.254.169.254', true)).not.toThrow();
    expect(() => checkLiteralHost('93.184.216.34', false)).not.toThrow();
  });

  it('classes a name by the most internal address it resolves to', async () => {
    const resolve = async () => ['93.184.216.34', '10.1.2.3'];
    expect(await classifyUrlTarget(new URL('https://erp.example.com/hook'), resolve)).toEqual({ class: 'private', address: '10.1.2.3' });
    expect(await classifyUrlTarget(new URL('https://erp.example.com/hook'), async () => ['93.184.216.34'])).toEqual({ class: 'public', address: '93.184.216.34' });
    const unresolved = await classifyUrlTarget(new URL('https://erp.example.com/hook'), async () => Promise.reject(new Error('ENOTFOUND')));
    expect(unresolved).toEqual({ class: null, address: null });
  });

  it('words the problem as a code with the host and address', async () => {
    const found = await internalTargetProblem('http://erp.corp/hook', false, async () => ['192.168.1.20']);
    expect(found).toEqual({ code: 'net.internalAddress', params: { host: 'erp.corp', address: '192.168.1.20', kind: 'private' } });
    expect(await internalTargetProblem('http://erp.corp/hook', true, async () => ['192.168.1.20'])).toBeUndefined();
  });

  it('on Node resolves names with the system resolver; on Workers resolves none, and literals are judged the same on both', async () => {
    expect(await nodeResolve!('localhost')).toContainEqual(expect.stringMatching(/^(127\.0\.0\.1|::1)$/));
    expect(workerdResolve).toBeNull();
    // Workers: a name is not judged (Cloudflare's fetch cannot reach internal networks), an address literal is.
    expect(await classifyUrlTarget(new URL('https://erp.example.com/hook'), workerdResolve)).toEqual({ class: null, address: null });
    expect(await classifyUrlTarget(new URL('http://localhost:8080/hook'), workerdResolve)).toEqual({ class: 'loopback', address: 'localhost' });
    for (const resolve of [nodeResolve, workerdResolve]) {
      expect(await classifyUrlTarget(new URL('http://10.0.0.7/hook'), resolve)).toEqual({ class: 'private', address: '10.0.0.7' });
      expect(await classifyUrlTarget(new URL('http://[fe80::1]/hook'), resolve)).toMatchObject({ class: 'link-local' });
    }
  });
});
