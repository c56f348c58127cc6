/**
 * What /as2 checks before it keeps a single byte of the body: the AS2 headers (version,
 * AS2-From, AS2-To is us, Message-ID, Content-Type), that AS2-From is a partner, and that an
 * async MDN would go where the partner's profile allows. A request that fails is refused at
 * once (the transport does not read its body), counted in as2_refusals and audited once per
 * source (IPv6: its /64), reason and hour, at most 20 per reason and hour (count-as2-refusal.ts).
 *
 * An async MDN for one of our own messages also arrives at /as2. It asks for no MDN and is a
 * multipart/report, or a multipart/signed whose first part is one: with multipart/signed only
 * the body tells, so such a request passes here on its AS2-From and AS2-To alone and is told
 * apart after the body is read (receive-as2-message.ts).
 */
import { contentTypeOf, MimeHeaders, type HeaderList } from '../../as2/index.ts';
import type { UseCaseContext } from '../../context.ts';
import { findPartnerByAs2Id, type FoundPartner } from '../partners/find-partner.ts';
import { AppError, problem, refusal } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { asyncMdnUrlProblem } from './async-mdn-destination.ts';
import { countAs2Refusal, type As2RefusalReason } from './count-as2-refusal.ts';
import { readAs2Headers, unquoteAs2Name, type As2RequestHeaders } from './read-as2-headers.ts';

export type ScreenedAs2Request =
  /** An AS2 message from a partner: headers read, partner found, MDN destination allowed. */
  | { kind: 'message'; request: As2RequestHeaders; partner: FoundPartner }
  /** Possibly an async MDN (multipart/report or multipart/signed without an MDN request), from a partner to us. */
  | { kind: 'maybe-mdn'; partner: FoundPartner };

type ScreenContext = UseCaseContext & { log: Logger };

/** Refuses with `error`, after counting it (and auditing the first of its window). */
async function refuse(ctx: ScreenContext, source: string, reason: As2RefusalReason, error: AppError, values: Record<string, unknown>, partner?: FoundPartner, auditText?: string): Promise<never> {
  const as2From = typeof values.as2From === 'string' ? values.as2From : '';
  const count = await countAs2Refusal(ctx, {
    source,
    reason,
    text: reason === 'unknown_partner' ? `unknown AS2-From "${as2From}": no partner has this AS2 id` : (auditText ?? error.message),
    values,
    partner: partner && { id: partner.id, organisationId: partner.organisationId, as2Id: partner.as2Id },
  });
  // The log names each refusal, but says less once a source keeps trying.
  if (count <= 3 || Number.isInteger(Math.log10(count))) ctx.log.warn('as2 request refused', { source, refusal: reason, count, reason: auditText ?? error.message, ...values });
  throw error;
}

function isPossibleMdn(headers: MimeHeaders): boolean {
  if (headers.get('disposition-notification-to') !== undefined) return false;
  const mediaType = contentTypeOf(headers).mediaType;
  return mediaType === 'multipart/report' || mediaType === 'multipart/signed';
}

function unknownPartner(as2From: string): AppError {
  return refusal(
    'forbidden',
    `AS2-From "${as2From}" is not a partner of this gateway: the sender cannot be authenticated, so the message is refused without an MDN; an administrator adds partners with "lotbridge partner add --as2-id …"`,
    { 'AS2-From': problem('as2.unknownPartner', { value: as2From }) },
  );
}

/** `asMessage`: the body showed the request is no MDN, so it is judged as a message. */
export async function screenAs2Request(ctx: ScreenContext, ourAs2Id: string, headerList: HeaderList, source: string, asMessage = false): Promise<ScreenedAs2Request> {
  const headers = MimeHeaders.from(headerList);
  const seen = { as2From: headers.get('as2-from')?.slice(0, 130), messageId: headers.get('message-id')?.slice(0, 200) };
  const now = ctx.clock.now();

  if (!asMessage && isPossibleMdn(headers)) {
    const as2From = unquoteAs2Name(headers.get('as2-from') ?? '');
    const as2To = unquoteAs2Name(headers.get('as2-to') ?? '');
    if (!as2From) await refuse(ctx, source, 'bad_headers', refusal('invalid_input', 'AS2-From is missing: an AS2 message or MDN names its sender', { 'AS2-From': problem('as2.missing', { header: 'AS2-From' }) }), seen);
    if (as2To !== ourAs2Id) {
      await refuse(ctx, source, 'wrong_recipient', refusal('invalid_input', `AS2-To "${as2To}" is not this gateway: our AS2 id is "${ourAs2Id}" (compared exactly, case included)`, { 'AS2-To': problem('as2.notThisGateway', { value: as2To, ours: ourAs2Id }) }), seen);
    }
    const partner = await findPartnerByAs2Id(ctx.db, as2From, now);
    if (!partner) return refuse(ctx, source, 'unknown_partner', unknownPartner(as2From), { ...seen, as2From });
    return { kind: 'maybe-mdn', partner };
  }

  let request: As2RequestHeaders;
  try {
    request = readAs2Headers(headerList, ourAs2Id);
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return refuse(ctx, source, e.problems?.['AS2-To'] ? 'wrong_recipient' : 'bad_headers', e, seen);
  }
  const values = { as2From: request.as2From, messageId: request.messageId };
  const partner = await findPartnerByAs2Id(ctx.db, request.as2From, now);
  if (!partner) return refuse(ctx, source, 'unknown_partner', unknownPartner(request.as2From), values);
  if (request.receiptDeliveryUrl) {
    const why = asyncMdnUrlProblem(partner, request.receiptDeliveryUrl);
    if (why) {
      // AS2-From is not authenticated yet (the body is not even read): the answer says the option is
      // refused, not what the partner profile allows (its hosts); the particulars go to our audit and log.
      const error = refusal('forbidden', `Receipt-Delivery-Option "${request.receiptDeliveryUrl}" is not allowed by the partner profile; the message is not accepted`, {
        'Receipt-Delivery-Option': problem('as2.receiptUrlNotAllowed', { value: request.receiptDeliveryUrl }),
      });
      const particulars = `Receipt-Delivery-Option "${request.receiptDeliveryUrl}" is refused: ${why}; the message is not accepted (an administrator changes the partner's async MDN hosts)`;
      return refuse(ctx, source, 'async_mdn_url', error, { ...values, receiptDeliveryUrl: request.receiptDeliveryUrl.slice(0, 200) }, partner, particulars);
    }
  }
  return { kind: 'message', request, partner };
}
