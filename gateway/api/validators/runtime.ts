// What the generated request validators beside this file import at run time: the same formats
// and Ajv helpers as the event validators (no Ajv here: nothing compiles code on the request path).
export { equal, formats, ucs2length } from '../../../shared/events/validators/runtime.ts';
