import { download } from '../download.ts';
import type { RequestHandler } from './$types';

/** The message's mdn bytes, exactly as stored; manufacturer administrators only (audited). */
export const GET: RequestHandler = ({ locals, params }) => download(locals, params.id, 'mdn');
