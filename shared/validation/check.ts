import type { CheckStatus, Finding, ValidationCheck, ValidationPart } from './report.ts';

/** A finding as data: the catalogue words it from `validation.problem.<code>` (shared/i18n/validation.*.ts). */
export function finding(code: string, params: Record<string, string | number> = {}): Finding {
  return { code: `validation.${code}`, params };
}

/** A check's result: it fails when it has findings, passes otherwise (or is skipped, saying why in its facts). */
export function checkResult(id: string, part: ValidationPart, facts: ValidationCheck['facts'], findings: Finding[], skipped = false): ValidationCheck {
  const status: CheckStatus = findings.length ? 'fail' : skipped ? 'skipped' : 'pass';
  return { id, part, status, facts, findings };
}
