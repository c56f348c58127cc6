// Reading a submitted form: the one way the portal's actions take text out of FormData.

/** A form field as a string ('' when absent or a file). */
export function field(form: FormData, name: string): string {
  const v = form.get(name);
  return typeof v === 'string' ? v : '';
}

/** Every value of a repeated field (checkboxes, multi-selects), files left out. */
export function fields(form: FormData, name: string): string[] {
  return form.getAll(name).filter((v): v is string => typeof v === 'string');
}

/** A list typed one per line or separated by commas or semicolons. */
export function list(value: string): string[] {
  return value
    .split(/[\n,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}
