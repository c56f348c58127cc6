import type { ValidationApprovalInput } from '$shared/validation/approve-validation-report.ts';

/** A chosen file as the use case takes it (none chosen: null). */
async function upload(form: FormData, name: string) {
  const file = form.get(name);
  return file instanceof File && (file.size > 0 || file.name) ? { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) } : null;
}

/** The approval form as entered (the three files and the deviation): for the approval and the first half of signing it with a passkey. */
export async function readPackage(form: FormData): Promise<Omit<ValidationApprovalInput, 'credential'>> {
  return {
    json: await upload(form, 'json'),
    pdf: await upload(form, 'pdf'),
    checksums: await upload(form, 'checksums'),
    deviation: String(form.get('deviation') ?? ''),
  };
}
