import { PDFDocument } from 'pdf-lib';
import type { PortalClient } from './http-client.ts';

/** A real one-page PDF whose title and text are `title`. */
export async function pdfBytes(title: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(title);
  doc.addPage().drawText(title);
  return doc.save();
}

/** A file in a form post: its input's name (default `file`) and, unless given, the type a browser takes from a .pdf or .csv name. */
export interface Upload {
  field?: string;
  name: string;
  bytes: Uint8Array;
  type?: string;
}

const typesByExtension: Record<string, string> = { pdf: 'application/pdf', csv: 'text/csv' };

/** A multipart form post with `Accept: text/html`, as a browser sends a form with file inputs. */
export function postMultipart(client: PortalClient, path: string, fields: Record<string, string>, files: Upload | Upload[] = []): Promise<Response> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const f of [files].flat()) {
    const type = f.type ?? typesByExtension[f.name.split('.').pop()!.toLowerCase()] ?? '';
    form.append(f.field ?? 'file', new Blob([f.bytes as Uint8Array<ArrayBuffer>], { type }), f.name);
  }
  return client.request(path, { method: 'POST', body: form, headers: { accept: 'text/html' } });
}
