/** English texts shared by every capability, and the problems of the ERP's signed webhooks (spread into en.ts; zh-CN has the same keys). */
export const commonEn = {
  'common.problem.required': 'Required.',
  'common.problem.badEmail': 'Enter an e-mail address, such as name@example.com.',
  'common.problem.tooLong': 'Too long: at most {max} characters.',
  'common.problem.tooShort': 'Too short: at least {min} characters.',
  'common.problem.badGtin': 'Not a valid GTIN (length or check digit).',
  'common.problem.badDate': 'Enter a date (YYYY-MM-DD).',

  'events.problem.unknownField': 'Not a known field.',
  'events.problem.oneRequired': 'Give at least one of: {fields}.',
  'events.problem.oneOf': 'Must be one of: {allowed}.',
  'events.problem.type': 'Must be of type {type}.',
  'events.problem.format': 'Must be a valid {format}.',
  'events.problem.pattern': 'Does not have the expected form.',
  'events.problem.tooSmall': 'Must be at least {min}.',
  'events.problem.tooLarge': 'Must be at most {max}.',
  'events.problem.tooFewItems': 'Needs at least {min} entries.',
  'events.problem.tooManyItems': 'Takes at most {max} entries.',
  'events.problem.invalid': 'Not valid ({keyword}).',
  'events.problem.unknownType': 'Unknown event type; known types: {known}.',

  'erp.problem.unknownErpId': 'No organisation has ERP id {erpId}; register it first.',
  'erp.problem.wrongKind': 'ERP id {erpId} is a {kind}, expected a {expected}.',
  'erp.problem.alreadyRecorded': 'Already recorded as {id}.',
  'erp.problem.serialCount': '{serials} serial numbers for a quantity of {quantity}.',
  'erp.problem.lineNumbersRepeat': 'Each lineNumber must be unique.',
  'mail.footer': 'This message was sent automatically by Lotbridge. Please do not reply to it.',
} as const;
