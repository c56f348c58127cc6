import { describe, expect, it } from 'vitest';
import {
  buildMultipartBody,
  canonicalizeEntity,
  canonicalizeHeaders,
  canonicalizeLineEndings,
  contentTypeOf,
  decodedBody,
  decodeEncodedWords,
  filenameOf,
  MimeHeaders,
  multipartParts,
  parseHeaderText,
  parseHeaderValue,
  parseMimeEntity,
  serializeEntity,
  splitMultipart,
} from './mime.ts';

const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));
const text = (data: Uint8Array): string => Buffer.from(data).toString('latin1');

describe('headers', () => {
  it('unfolds continuation lines (space or tab) and keeps order and case of names', () => {
    const list = parseHeaderText('Content-Type: multipart/report; report-type=disposition-notification;\r\n\tboundary="b1"\r\nAS2-From: A\r\n');
    expect(list).toEqual([
      ['Content-Type', 'multipart/report; report-type=disposition-notification;\tboundary="b1"'],
      ['AS2-From', 'A'],
    ]);
    expect(contentTypeOf(new MimeHeaders(list)).params.boundary).toBe('b1');
  });

  it('reads LF-only header blocks and skips an HTTP request line', () => {
    const entity = parseMimeEntity(bytes('POST /as2 HTTP/1.1\nas2-to: X\ncontent-type: text/plain\n\nbody\n'));
    expect(entity.headers.get('AS2-To')).toBe('X');
    expect(text(entity.rawBody)).toBe('body\n');
  });

  it('treats content that does not start with a header as a body without headers', () => {
    const entity = parseMimeEntity(bytes("UNB+UNOA:2+SENDER:14+RECEIVER:14'\n"));
    expect(entity.headers.list).toEqual([]);
    expect(text(entity.rawBody)).toBe("UNB+UNOA:2+SENDER:14+RECEIVER:14'\n");
  });

  it('accepts headers from a record, a list or a Headers object, case-insensitively', () => {
    expect(MimeHeaders.from({ 'content-type': 'a/b' }).get('Content-Type')).toBe('a/b');
    expect(MimeHeaders.from([['AS2-From', 'x']]).get('as2-from')).toBe('x');
    expect(MimeHeaders.from(new Headers({ 'AS2-To': 'y' })).get('as2-to')).toBe('y');
  });
});

describe('header values and parameters', () => {
  it('parses quoted strings with escapes, tokens, and parameters without spaces', () => {
    const v = parseHeaderValue('multipart/signed;protocol="application/pkcs7-signature";micalg=sha1;boundary="_=a\\"b"');
    expect(v.value).toBe('multipart/signed');
    expect(v.params).toEqual({ protocol: 'application/pkcs7-signature', micalg: 'sha1', boundary: '_=a"b' });
  });

  it('unquotes a whole header value quoted by ph-OpenAS2', () => {
    const v = parseHeaderValue('"multipart/signed; protocol=\\"application/pkcs7-signature\\"; micalg=sha-1;    boundary=\\"----=_Part_32\\""');
    expect(v.value).toBe('multipart/signed');
    expect(v.params.boundary).toBe('----=_Part_32');
  });

  it('decodes RFC 2231 filename* with charset and continuations', () => {
    expect(parseHeaderValue("attachment; filename*=utf-8''Lieferschein-%C3%84.edi").params.filename).toBe('Lieferschein-Ä.edi');
    expect(parseHeaderValue("attachment; filename*0*=iso-8859-1''R%E9sum; filename*1=\"e part.txt\"").params.filename).toBe('Résume part.txt');
    // The extended form wins over the plain fallback.
    expect(parseHeaderValue("attachment; filename=\"fallback.edi\"; filename*=utf-8''%E2%82%AC.edi").params.filename).toBe('€.edi');
  });

  it('decodes RFC 2047 encoded words (B and Q, adjacent words joined) in file names', () => {
    expect(decodeEncodedWords('=?utf-8?B?TGllZmVyc2NoZWluLcOELmVkaQ==?=')).toBe('Lieferschein-Ä.edi');
    expect(decodeEncodedWords('=?iso-8859-1?Q?Re=E7u_n=B01?= =?utf-8?Q?_=E2=82=AC?=.edi')).toBe('Reçu n°1 €.edi');
    const headers = new MimeHeaders([['Content-Disposition', 'attachment; filename="=?UTF-8?Q?B=C3=B6rse.edi?="']]);
    expect(filenameOf(headers)).toBe('Börse.edi');
    expect(filenameOf(new MimeHeaders([['Content-Type', 'application/edifact; name=order.edi']]))).toBe('order.edi');
  });

  it('defaults a missing Content-Type to text/plain', () => {
    expect(contentTypeOf(new MimeHeaders()).mediaType).toBe('text/plain');
  });
});

describe('transfer encodings', () => {
  it('decodes base64 with line breaks, quoted-printable with soft breaks, and leaves binary alone', () => {
    const b64 = parseMimeEntity(bytes('Content-Transfer-Encoding: base64\r\n\r\nSGVs\r\nbG8=\r\n'));
    expect(text(decodedBody(b64))).toBe('Hello');
    const qp = parseMimeEntity(bytes('Content-Transfer-Encoding: quoted-printable\r\n\r\nUNB=2BUNOC:3=\r\n+X=3D1 =\nend'));
    expect(text(decodedBody(qp))).toBe('UNB+UNOC:3+X=1 end');
    const bin = parseMimeEntity(bytes('Content-Transfer-Encoding: binary\r\n\r\n\x00\xff\r\n'));
    expect([...decodedBody(bin)]).toEqual([0x00, 0xff, 0x0d, 0x0a]);
  });
});

describe('multipart', () => {
  const body = bytes('preamble text\r\n--b\r\nContent-Type: text/plain\r\n\r\npart one\r\n--b \r\nContent-Type: application/octet-stream\r\n\r\n\x00two\r\n\r\n--b--\r\nepilogue\r\n');

  it('splits on delimiter lines, keeping preamble, exact part bytes and epilogue', () => {
    const split = splitMultipart(body, 'b');
    expect(text(split.preamble)).toBe('preamble text');
    expect(split.parts.map(text)).toEqual(['Content-Type: text/plain\r\n\r\npart one', 'Content-Type: application/octet-stream\r\n\r\n\x00two\r\n']);
    expect(text(split.epilogue)).toBe('epilogue\r\n');
  });

  it('does not split on a longer boundary that starts with ours, nor mid-line', () => {
    const tricky = bytes('--b\r\n\r\nx --b\r\n--bb\r\nstill one\r\n--b--\r\n');
    expect(splitMultipart(tricky, 'b').parts.map(text)).toEqual(['\r\nx --b\r\n--bb\r\nstill one']);
  });

  it('splits LF-only multiparts (captures that lost their CRs)', () => {
    const lf = bytes('--b\nContent-Type: text/plain\n\none\n--b\n\ntwo\n--b--\n');
    expect(splitMultipart(lf, 'b').parts.map(text)).toEqual(['Content-Type: text/plain\n\none', '\ntwo']);
  });

  it('parses parts of an entity and round-trips a built multipart', () => {
    const parts = [serializeEntity([['Content-Type', 'text/plain']], bytes('a\r\n')), serializeEntity([['Content-Type', 'message/disposition-notification']], bytes('Disposition: x\r\n'))];
    const built = buildMultipartBody(parts, 'XYZ');
    const entity = parseMimeEntity(serializeEntity([['Content-Type', 'multipart/report; boundary=XYZ']], built));
    const parsed = multipartParts(entity);
    expect(parsed.map((p) => contentTypeOf(p.headers).mediaType)).toEqual(['text/plain', 'message/disposition-notification']);
    expect(parsed.map((p) => p.raw && text(p.raw))).toEqual(parts.map(text));
  });

  it('refuses a body without the declared boundary', () => {
    expect(() => splitMultipart(bytes('no delimiters here'), 'b')).toThrow(/no delimiter line "--b"/);
  });
});

describe('canonicalisation for signatures and MIC', () => {
  it('turns bare LF and bare CR into CRLF, leaving CRLF alone', () => {
    expect(text(canonicalizeLineEndings(bytes('a\nb\r\nc\rd')))).toBe('a\r\nb\r\nc\r\nd');
    const already = bytes('a\r\nb\r\n');
    expect(canonicalizeLineEndings(already)).toBe(already);
  });

  it('canonicalises headers only for binary bodies, the whole entity for text', () => {
    const binary = bytes('Content-Type: application/octet-stream\nContent-Transfer-Encoding: binary\n\n\x00\n\xff');
    expect(text(canonicalizeEntity(binary))).toBe('Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n\x00\n\xff');
    expect(text(canonicalizeHeaders(binary))).toBe(text(canonicalizeEntity(binary)));
    const textual = bytes('Content-Type: text/plain\n\nline1\nline2\n');
    expect(text(canonicalizeEntity(textual))).toBe('Content-Type: text/plain\r\n\r\nline1\r\nline2\r\n');
  });
});
