/** English texts of the partner REST API's problems (/api/v1; spread into en.ts; zh-CN and de have the same keys). */
export const apiEn = {
  'api.problem.noScopes': 'Choose at least one scope.',
  'api.problem.tooManyKeys': 'Your organisation already holds {max} keys in use. Revoke one that is no longer needed first.',
  'api.problem.scopeNotAllowed': '"{scope}" is not a scope for this organisation (allowed: {allowed}).',
  'api.problem.badExpiry': 'The key must expire within 1 to {max} days.',
  'api.problem.badCursor': 'This cursor is not one this list handed out: start again without it.',
  'api.problem.badJson': 'The body is not valid JSON.',
  'api.problem.unknownParameter': 'Unknown parameter.',
  'api.problem.fileRequired': 'Attach the file.',
  'api.problem.badIdempotencyKey': 'The Idempotency-Key must be 1 to {max} printable characters.',
  'api.problem.idempotencyKeyReused': 'This Idempotency-Key was used for another request: use a new key for a new request.',
  'api.problem.idempotencyInProgress': 'A request with this Idempotency-Key is still being answered: retry after {seconds} s.',
  // The API's own error codes, worded should one ever reach a page (shared/errors.ts).
  'error.payload_too_large': 'This is too large to send.',
  'error.unsupported_media_type': 'This kind of content is not accepted here.',
  'error.rate_limited': 'Too many requests. Try again in a minute.',
} as const;
