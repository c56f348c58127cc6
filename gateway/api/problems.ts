// A use case's refusal in the request's shape: its field paths are the use case's input
// (`rows/1/gtin` of submitLots), the API's problem pointers must point into the request
// (`/lots/0/gtin`). An operation renames them here, once, around its use case call.
import { AppError, isAppError, type Problems } from '../../shared/errors.ts';

/**
 * Runs `work`; when it is refused with field problems, renames each field path with `rename`
 * (undefined keeps the path as it is) and refuses with the same code and message.
 */
export async function inRequestShape<T>(work: Promise<T>, rename: (field: string) => string | undefined): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (!isAppError(e) || !e.problems) throw e;
    const problems: Problems = {};
    for (const [field, p] of Object.entries(e.problems)) problems[rename(field) ?? field] ??= p;
    throw new AppError(e.code, e.message, problems);
  }
}
