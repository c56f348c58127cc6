import { parseMimeEntity } from '../../shared/as2/index.ts';

/** A captured AS2 message or MDN (a fixture file): HTTP headers, a blank line and the body; a leading HTTP status line is dropped. */
export function readCapture(bytes: Buffer) {
  const statusLine = /^HTTP[^\n]*\n/.exec(bytes.subarray(0, 200).toString('latin1'));
  const entity = parseMimeEntity(statusLine ? bytes.subarray(statusLine[0].length) : bytes);
  return { headers: entity.headers, body: entity.rawBody };
}
