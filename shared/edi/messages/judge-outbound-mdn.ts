/**
 * Judges an MDN a partner returned for one of our messages (RFC 4130 §7.1, §7.3.3): it must
 * name our Message-ID, carry a valid signature from the partner's certificates when we asked
 * for a signed receipt, say `processed` without error, and return the MIC we computed. The
 * verdict keeps every field, so a refusal can name exactly what was wrong.
 */
import { As2Failure, micAlgorithmLabel, MimeHeaders, parseMdn, type As2Certificate, type DigestName, type HeaderInput } from '../../as2/index.ts';

export interface ExpectedReceipt {
  messageId: string;
  expectedMic: string;
  micAlgorithm: DigestName;
  signedRequested: boolean;
}

export interface MdnVerdict {
  delivered: boolean;
  /** Why the message is not delivered (null when it is). */
  failure: string | null;
  messageId: string | null;
  originalMessageId: string | null;
  disposition: string | null;
  positive: boolean;
  signature: 'valid' | 'unsigned' | 'invalid';
  signatureProblem: string | null;
  signer: string | null;
  mic: string | null;
  micMatched: boolean;
}

const unbracket = (id: string) => id.trim().replace(/^<(.*)>$/, '$1');

/** Reads and judges; an answer that is no MDN at all is a failure verdict, not a throw. */
export function judgeOutboundMdn(headers: HeaderInput, body: Uint8Array, expected: ExpectedReceipt, trustedCertificates: As2Certificate[], now: Date): MdnVerdict {
  const messageIdHeader = MimeHeaders.from(headers).get('message-id');
  const base: MdnVerdict = {
    delivered: false,
    failure: null,
    messageId: messageIdHeader ? unbracket(messageIdHeader) : null,
    originalMessageId: null,
    disposition: null,
    positive: false,
    signature: 'unsigned',
    signatureProblem: null,
    signer: null,
    mic: null,
    micMatched: false,
  };
  let mdn;
  try {
    mdn = parseMdn(headers, body, { trustedCertificates, now });
  } catch (e) {
    if (!(e instanceof As2Failure)) throw e;
    return { ...base, failure: `the partner's answer is not a readable MDN: ${e.message}` };
  }
  const signature = mdn.signature.status === 'verified' ? 'valid' : mdn.signature.status === 'unsigned' ? 'unsigned' : 'invalid';
  const verdict: MdnVerdict = {
    ...base,
    originalMessageId: mdn.originalMessageId ? unbracket(mdn.originalMessageId) : null,
    disposition: mdn.disposition,
    positive: mdn.positive,
    signature,
    signatureProblem: mdn.signature.status === 'refused' ? mdn.signature.reason : null,
    signer: mdn.signer ? mdn.signer.subject : null,
    mic: mdn.fields.get('received-content-mic') ?? null,
    micMatched: mdn.receivedContentMic === expected.expectedMic && mdn.micAlgorithm === expected.micAlgorithm,
  };
  const failure = (() => {
    if (verdict.originalMessageId !== expected.messageId) {
      return `the MDN answers Original-Message-ID <${verdict.originalMessageId ?? '(none)'}>, not our <${expected.messageId}>`;
    }
    if (mdn.signature.status === 'refused') return `the MDN's signature was refused (${mdn.signature.disposition}): ${mdn.signature.reason}`;
    if (expected.signedRequested && mdn.signature.status === 'unsigned') return 'the MDN is not signed, though we asked for a signed receipt: it cannot prove that the partner received the message';
    if (!mdn.positive) return `the partner reported "${mdn.disposition}"${mdn.humanText ? `: ${mdn.humanText.slice(0, 500)}` : ''}`;
    if (!mdn.receivedContentMic) return 'the positive MDN carries no Received-Content-MIC: it does not prove which content was received';
    if (!verdict.micMatched) {
      return `Received-Content-MIC "${verdict.mic}" does not match ours "${expected.expectedMic}, ${micAlgorithmLabel(expected.micAlgorithm)}": the partner received different content`;
    }
    return null;
  })();
  return { ...verdict, delivered: failure === null, failure };
}
