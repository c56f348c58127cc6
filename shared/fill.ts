/**
 * A message template with its `{name}` placeholders filled from `params`; a placeholder with
 * no value stays as it is, so a missing value shows instead of vanishing. The one filler of
 * every catalogue text, problem text and notice text.
 */
export function fill(template: string, params: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}
