import { describe, expect, it } from 'vitest';
import type { Problems } from '../../errors.ts';
import { translateProblem } from '../../i18n/index.ts';
import { as2IdProblem, as2NameHeader, as2UrlProblem, parseEdiId, parseHostList, readOptions } from './partner-profile.ts';

describe('AS2 ids (RFC 4130 §6.2)', () => {
  it('accept 1 to 128 printable US-ASCII characters, spaces and quotes included', () => {
    for (const ok of ['A', 'A'.repeat(128), 'mendelson_opensource_AS2', 'ACME "EU" Hub', 'a\\b', '!#$%&\'*+-/=?^_`{|}~']) expect(as2IdProblem(ok), ok).toBeUndefined();
  });

  it('refuse empty, too long, non-ASCII, control characters and outer spaces, saying which', () => {
    expect(as2IdProblem('')).toEqual({ code: 'common.required' });
    expect(as2IdProblem('A'.repeat(129))).toEqual({ code: 'partners.as2IdTooLong', params: { length: 129 } });
    expect(translateProblem('en', as2IdProblem('A'.repeat(129))!)).toBe('At most 128 characters (RFC 4130 §6.2); it has 129.');
    expect(as2IdProblem('Zoë')).toEqual({ code: 'partners.as2IdNotAscii', params: { character: 'U+00EB' } });
    expect(as2IdProblem('A\tB')).toEqual({ code: 'partners.as2IdNotAscii', params: { character: 'U+0009' } });
    expect(as2IdProblem('AB ')).toEqual({ code: 'partners.as2IdSpaces' });
  });

  it('travel atomic when they can, quoted with \\" and \\\\ escaped when they must', () => {
    expect(as2NameHeader('LOTBRIDGE')).toBe('LOTBRIDGE');
    expect(as2NameHeader('partner@example.com')).toBe('partner@example.com');
    expect(as2NameHeader('My Partner')).toBe('"My Partner"');
    expect(as2NameHeader('say "hi"')).toBe('"say \\"hi\\""');
    expect(as2NameHeader('back\\slash')).toBe('"back\\\\slash"');
  });
});

describe('EDI ids (UNB S002)', () => {
  it('split ID[:QUALIFIER]', () => {
    expect(parseEdiId('4012345000009:14')).toEqual({ id: '4012345000009', qualifier: '14' });
    expect(parseEdiId(' SENDER1 ')).toEqual({ id: 'SENDER1', qualifier: '' });
    expect(parseEdiId('ACME:ZZZ')).toEqual({ id: 'ACME', qualifier: 'ZZZ' });
  });

  it('refuse what UNB cannot carry, naming the part', () => {
    expect(parseEdiId('a:b:c')).toEqual({ problem: { code: 'partners.ediIdColons' } });
    expect(parseEdiId('X'.repeat(36))).toEqual({ problem: { code: 'partners.badEdiId', params: { id: 'X'.repeat(36) } } });
    expect(parseEdiId("AB'C")).toEqual({ problem: { code: 'partners.badEdiId', params: { id: "AB'C" } } });
    expect(parseEdiId('AB:14567')).toEqual({ problem: { code: 'partners.badEdiQualifier', params: { qualifier: '14567' } } });
    const worded = (r: ReturnType<typeof parseEdiId>) => ('problem' in r ? translateProblem('en', r.problem) : '');
    expect(worded(parseEdiId('a:b:c'))).toContain('one colon at most');
    expect(worded(parseEdiId('X'.repeat(36)))).toContain('an..35');
    expect(worded(parseEdiId("AB'C"))).toContain('service characters');
    expect(worded(parseEdiId('AB:14567'))).toContain('an..4');
  });
});

describe('partner options', () => {
  it('keep valid values and report each invalid one under its path', () => {
    const problems: Problems = {};
    const out = readOptions({ mdn: 'async', compress: true, signingAlgorithm: 'md5', requireSigned: 'yes' }, problems, 'options.');
    expect(out).toEqual({ mdn: 'async', compress: true });
    expect(problems).toEqual({
      'options.signingAlgorithm': { code: 'partners.notOneOf', params: { choices: 'sha-1, sha-256, sha-384, sha-512', value: 'md5' } },
      'options.requireSigned': { code: 'partners.notBoolean' },
    });
    expect(translateProblem('en', problems['options.signingAlgorithm']!)).toBe('Must be one of sha-1, sha-256, sha-384, sha-512 (got "md5").');
  });

  it('URLs are http(s) without credentials', () => {
    expect(as2UrlProblem('https://as2.example.com:4443/as2/HttpReceiver')).toBeUndefined();
    expect(as2UrlProblem('as2.example.com')).toEqual({ code: 'partners.notUrl' });
    expect(as2UrlProblem('ftp://as2.example.com/')).toEqual({ code: 'partners.badUrlScheme', params: { scheme: 'ftp:' } });
    expect(as2UrlProblem('https://u:p@as2.example.com/')).toEqual({ code: 'partners.urlCredentials' });
  });

  it('compression layers are a whole number from 0 to 8 (a form sends text); async MDN hosts a list of hosts', () => {
    const problems: Problems = {};
    expect(readOptions({ maxCompressionLayers: '2', asyncMdnHosts: 'B.example, https://a.example:8443/x\n[::1]', asyncMdnPrivate: true }, problems)).toEqual({
      maxCompressionLayers: 2,
      asyncMdnHosts: '[::1] a.example:8443 b.example',
      asyncMdnPrivate: true,
    });
    expect(problems).toEqual({});
    readOptions({ maxCompressionLayers: 9, asyncMdnHosts: 'bad host!' }, problems, 'options.');
    expect(problems).toEqual({
      'options.maxCompressionLayers': { code: 'partners.badLayers', params: { max: 8, value: '9' } },
      'options.asyncMdnHosts': { code: 'partners.badHost', params: { entry: 'host!' } },
    });
    expect(translateProblem('en', problems['options.asyncMdnHosts']!)).toBe(
      '"host!" is not a host name or IP address (e.g. as2.example.com, 192.0.2.10, [2001:db8::1]), with a port if not the default (as2.example.com:4080).',
    );
    expect(parseHostList('')).toEqual({ hosts: '' });
  });

  it('an async MDN host may name its port (host:port, [IPv6]:port); a URL keeps the port it names', () => {
    expect(parseHostList('MDN.example:8443 [2001:DB8::1]:4080 192.0.2.10:0443 https://c.example/x http://d.example:8080/')).toEqual({
      hosts: '192.0.2.10:443 [2001:db8::1]:4080 c.example d.example:8080 mdn.example:8443',
    });
    for (const bad of ['a.example:0', 'a.example:65536', 'a.example:', 'a.example:http', '[::1]:', '2001:db8::1']) {
      expect(parseHostList(bad), bad).toEqual({ problem: { code: 'partners.badHost', params: { entry: bad } } });
    }
  });
});
