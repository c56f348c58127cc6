import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import { isAppError, type Problem } from '../errors.ts';
import { checkUpload, sanitiseFilename } from './store-upload.ts';

const limits = { maxBytes: 64 * 1024 };

async function pdf(pages = 1): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < pages; i++) doc.addPage().drawText(`Certificate page ${i + 1}`);
  return doc.save();
}

async function refusal(upload: Parameters<typeof checkUpload>[1]): Promise<{ message: string; file: Problem | undefined }> {
  try {
    await checkUpload(limits, upload);
  } catch (e) {
    if (!isAppError(e)) throw e;
    expect(e.code).toBe('invalid_input');
    return { message: e.message, file: e.problems?.file };
  }
  throw new Error('the upload was accepted');
}

describe('sanitiseFilename', () => {
  it.each([
    ['ISO13485-2026.pdf', 'ISO13485-2026.pdf'],
    ['C:\\Users\\wang\\Desktop\\证书 2026.pdf', '证书 2026.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['/var/tmp/../cert.pdf', 'cert.pdf'],
    ['bad\u0000name\r\n.pdf', 'badname.pdf'],
    ['evil\u202Efdp.exe', 'evilfdp.exe'],
    ['..hidden.pdf', 'hidden.pdf'],
    ['a<b>c:d"e|f?g*.pdf', 'a_b_c_d_e_f_g_.pdf'],
    ['   ', 'certificate.pdf'],
    ['', 'certificate.pdf'],
    ['../', 'certificate.pdf'],
  ])('%j → %j', (raw, clean) => {
    expect(sanitiseFilename(raw)).toBe(clean);
  });

  it('cuts long names to 120 characters and keeps the extension', () => {
    const long = sanitiseFilename(`${'x'.repeat(300)}.pdf`);
    expect([...long]).toHaveLength(120);
    expect(long.endsWith('.pdf')).toBe(true);
    const chinese = sanitiseFilename(`${'证'.repeat(200)}.pdf`);
    expect([...chinese]).toHaveLength(120);
    expect(chinese.endsWith('证.pdf')).toBe(true);
  });
});

describe('checkUpload', () => {
  it('accepts a real PDF and gives its SHA-256 and sanitised name', async () => {
    const bytes = await pdf(2);
    const checked = await checkUpload(limits, { name: 'dir/ISO 13485.pdf', bytes });
    expect(checked).toMatchObject({ name: 'ISO 13485.pdf', sizeBytes: bytes.length, contentType: 'application/pdf' });
    expect(checked.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('refuses a missing file', async () => {
    expect((await refusal(null)).file?.code).toBe('files.missing');
    expect((await refusal({ name: '', bytes: new Uint8Array() })).file?.code).toBe('files.missing');
  });

  it('refuses an empty file', async () => {
    expect((await refusal({ name: 'cert.pdf', bytes: new Uint8Array() })).file?.code).toBe('files.empty');
  });

  it('refuses a file over the limit, naming both sizes', async () => {
    const bytes = new Uint8Array(limits.maxBytes + 1);
    bytes.set(new TextEncoder().encode('%PDF-1.7\n'));
    const r = await refusal({ name: 'big.pdf', bytes });
    expect(r.file).toEqual({ code: 'files.tooLarge', params: { max: '0.1' } });
    expect(r.message).toBe('the file is 0.1 MB; the limit is 0.1 MB');
  });

  it('refuses a text file renamed to .pdf (judged by content)', async () => {
    const r = await refusal({ name: 'certificate.pdf', bytes: new TextEncoder().encode('This is not a PDF, only its name says so.\n') });
    expect(r.file?.code).toBe('files.notPdf');
  });

  it('refuses a PDF cut off before its end', async () => {
    const bytes = await pdf();
    expect((await refusal({ name: 'cut.pdf', bytes: bytes.subarray(0, Math.floor(bytes.length / 2)) })).file?.code).toBe('files.truncated');
  });

  it('refuses a file that only looks like a PDF at both ends', async () => {
    const r = await refusal({ name: 'fake.pdf', bytes: new TextEncoder().encode('%PDF-1.7\nnothing to see here\n%%EOF\n') });
    expect(r.file?.code).toBe('files.unreadable');
  });
});
