// What a partner's AS2 software sends with a message.

/** AS2 headers of a message that asks for a signed synchronous MDN with a SHA-256 MIC. */
export function as2MessageHeaders(from: string, to: string, messageId: string, contentType: string): Record<string, string> {
  return {
    'AS2-Version': '1.2',
    'AS2-From': from,
    'AS2-To': to,
    'Message-ID': `<${messageId}>`,
    'Content-Type': contentType,
    'Disposition-Notification-To': 'edi@acme.example',
    'Disposition-Notification-Options': 'signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-256',
  };
}
