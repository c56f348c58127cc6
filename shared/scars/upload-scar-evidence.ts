import type { FilesContext } from '../context.ts';
import type { Actor } from '../auth/actor.ts';
import type { Upload, UploadLimits } from '../files/store-upload.ts';

export interface ScarEvidence {
  id: string;
  step: string;
  fileName: string;
  sha256: string;
  sizeBytes: number;
  uploadedAt: string;
}

/**
 * The SCAR's supplier uploads evidence (a PDF, checked like certificate PDFs) to a step it may
 * still answer, stored through FileStorage (stored_files) and kept (scar_evidence, no delete).
 * Audited. Problems as data under `file` (files.*) and `step`.
 */
export async function uploadScarEvidence(
  ctx: FilesContext,
  actor: Actor,
  limits: UploadLimits,
  input: { scarId: string; step: string; file: Upload },
): Promise<ScarEvidence> {
  void ctx;
  void actor;
  void limits;
  void input;
  throw new Error('uploadScarEvidence: not yet implemented');
}
