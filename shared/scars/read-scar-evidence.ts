import type { FilesContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';

/** One evidence file's bytes for download: QA and the SCAR's supplier only (anyone else: not_found). */
export async function readScarEvidence(
  ctx: FilesContext,
  actor: Actor,
  input: { scarId: string; evidenceId: string },
): Promise<{ fileName: string; contentType: string; sha256: string; bytes: Uint8Array }> {
  void ctx;
  void actor;
  void input;
  throw new Error('readScarEvidence: not yet implemented');
}
