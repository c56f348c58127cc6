/** English texts of the AS2 refusals' header problems (RFC 4130), as problem+json words them (spread into en.ts; zh-CN has the same keys). */
export const as2En = {
  'as2.problem.missing': '{header} is missing.',
  'as2.problem.badName': '"{value}" is not an AS2 name (1 to 128 printable US-ASCII characters, RFC 4130 §6.2).',
  'as2.problem.badMessageId': '"{value}" is not a Message-ID (RFC 4130 §5.3.3).',
  'as2.problem.badReceiptUrl': '"{value}" is not an absolute http:// or https:// URL.',
  'as2.problem.badVersion': '"{value}" is not a supported AS2 version (1.0, 1.1 or 1.2).',
  'as2.problem.notThisGateway': '"{value}" is not this gateway: our AS2 id is "{ours}" (compared exactly, case included).',
  'as2.problem.unknownPartner': '"{value}" is not the AS2 id of a partner of this gateway.',
  'as2.problem.receiptUrlNotAllowed': '"{value}" is not allowed by the partner profile.',
  'as2.problem.repeatNotAuthenticated': 'A repeat of message "{value}" that does not authenticate.',
} as const;
