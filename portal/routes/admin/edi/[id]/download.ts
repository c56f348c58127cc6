// The three byte downloads of a logged AS2 message share this handler.
import { readEdiBytes, type EdiByteKind } from '$shared/edi/message-log/read-edi-bytes.ts';
import { loadFailure } from '$lib/server/errors.ts';
import { requireActor } from '$lib/server/require-actor.ts';
import { fileDownload } from '$lib/server/file-download.ts';

/** The stored bytes as an attachment: never rendered by the browser (sandboxed, not sniffed). */
export async function download(locals: App.Locals, id: string, kind: EdiByteKind): Promise<Response> {
  try {
    const file = await readEdiBytes(locals.ctx, requireActor(locals), { id, kind });
    return fileDownload({ ...file, name: file.fileName });
  } catch (e) {
    loadFailure(e, locals);
  }
}
