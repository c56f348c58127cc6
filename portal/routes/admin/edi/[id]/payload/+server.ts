import { download } from '../download.ts';
import type { RequestHandler } from './$types';

/** The message's payload bytes, exactly as stored; manufacturer administrators only (audited). */
export const GET: RequestHandler = ({ locals, params }) => download(locals, params.id, 'payload');
