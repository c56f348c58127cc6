import { PDFDocument, StandardFonts } from 'pdf-lib';

/** A small one-page PDF standing in for a scanned certificate: its lines of text (Latin-1 only). */
export async function certificatePdf(lines: string[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(lines[0] ?? 'Certificate');
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  lines.forEach((line, i) => page.drawText(line, { x: 56, y: 770 - i * 24, size: i === 0 ? 18 : 12, font }));
  return doc.save();
}
