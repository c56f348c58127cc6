import { createHash } from 'node:crypto';
import type { FilesContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import { AppError } from '../errors.ts';
import { readScars, scarScope } from './scar-record.ts';

/**
 * One evidence file's bytes for download: manufacturer staff and the SCAR's supplier only
 * (anyone else: not_found). The bytes are checked against the SHA-256 recorded at upload.
 */
export async function readScarEvidence(
  ctx: FilesContext,
  actor: Actor,
  input: { scarId: string; evidenceId: string },
): Promise<{ fileName: string; contentType: string; sha256: string; bytes: Uint8Array }> {
  readScars.require(actor);
  const scope = scarScope(actor);
  const row = await ctx.db.get<{ original_name: string; content_type: string; sha256: string; storage_key: string }>(
    `SELECT f.original_name, f.content_type, f.sha256, f.storage_key
       FROM scar_evidence e JOIN scars s ON s.id = e.scar_id JOIN stored_files f ON f.id = e.file_id
      WHERE e.id = ? AND e.scar_id = ? AND ${scope.sql}`,
    [input.evidenceId, input.scarId, ...scope.args],
  );
  if (!row) throw new AppError('not_found', 'no such evidence');
  let bytes: Uint8Array;
  try {
    bytes = await ctx.files.get(row.storage_key);
  } catch (e) {
    throw new AppError('unavailable', `the stored evidence ${input.evidenceId} cannot be read: ${(e as Error).message}`);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== row.sha256) throw new AppError('unavailable', `the stored evidence ${input.evidenceId} does not match its recorded SHA-256: it is not handed out`);
  return { fileName: row.original_name, contentType: row.content_type, sha256, bytes };
}
