// The supplier's answer to one 8D step, checked field by field. Problems are data under
// `answer.<path>` (`answer.team.0.name`, `answer.containment.1.quantitySuspect`, `answer.method`),
// so the portal shows each beside its field and the REST API returns them as they are.
import { problem, refusal, type Problem, type Problems } from '../errors.ts';
import { rootCauseMethods, type RootCauseMethod, type ScarAction, type ScarAnswer, type ScarAnswers, type ScarStep } from './scar.ts';

export const maxRows = 50;
const short = 200;
const long = 4000;
const datePattern = /^\d{4}-\d{2}-\d{2}$/;
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A valid calendar date YYYY-MM-DD. */
export function isDate(s: unknown): s is string {
  if (typeof s !== 'string' || !datePattern.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Reads one answer, collecting every problem at once. */
class Reader {
  readonly problems: Problems = {};

  private add(path: string, p: Problem): void {
    this.problems[`answer.${path}`] ??= p;
  }

  object(value: unknown, path: string): Record<string, unknown> {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    this.add(path, problem('scar-rules.badAnswer'));
    return {};
  }

  text(o: Record<string, unknown>, key: string, path: string, max: number): string {
    const v = typeof o[key] === 'string' ? (o[key] as string).trim() : '';
    if (!v) this.add(`${path}${key}`, problem('scar-rules.required'));
    else if (v.length > max) this.add(`${path}${key}`, problem('common.tooLong', { max }));
    return v;
  }

  optionalText(o: Record<string, unknown>, key: string, path: string, max: number): string | undefined {
    const v = typeof o[key] === 'string' ? (o[key] as string).trim() : '';
    if (v.length > max) this.add(`${path}${key}`, problem('common.tooLong', { max }));
    return v || undefined;
  }

  date(o: Record<string, unknown>, key: string, path: string): string {
    const v = typeof o[key] === 'string' ? (o[key] as string).trim() : '';
    if (!v) this.add(`${path}${key}`, problem('scar-rules.required'));
    else if (!isDate(v)) this.add(`${path}${key}`, problem('scar-rules.badDate'));
    return v;
  }

  optionalDate(o: Record<string, unknown>, key: string, path: string): string | undefined {
    const v = typeof o[key] === 'string' ? (o[key] as string).trim() : '';
    if (v && !isDate(v)) this.add(`${path}${key}`, problem('scar-rules.badDate'));
    return v || undefined;
  }

  quantity(o: Record<string, unknown>, key: string, path: string): number {
    const v = o[key];
    const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v.trim()) : v;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      this.add(`${path}${key}`, problem('scar-rules.badQuantity'));
      return 0;
    }
    return n;
  }

  rows<T>(o: Record<string, unknown>, key: string, read: (row: Record<string, unknown>, path: string) => T): T[] {
    const v = o[key];
    if (!Array.isArray(v) || v.length === 0) {
      this.add(key, problem('scar-rules.listRequired'));
      return [];
    }
    if (v.length > maxRows) {
      this.add(key, problem('scar-rules.tooMany', { max: maxRows }));
      return [];
    }
    return v.map((row, i) => read(this.object(row, `${key}.${i}`), `${key}.${i}.`));
  }

  actions(o: Record<string, unknown>, key: string, done: 'required' | 'optional'): ScarAction[] {
    return this.rows(o, key, (r, p) => {
      const action: ScarAction = { action: this.text(r, 'action', p, long), owner: this.text(r, 'owner', p, short), dueDate: this.date(r, 'dueDate', p) };
      const doneDate = done === 'required' ? this.date(r, 'doneDate', p) : this.optionalDate(r, 'doneDate', p);
      return doneDate ? { ...action, doneDate } : action;
    });
  }
}

const readers: { [S in ScarStep]: (r: Reader, o: Record<string, unknown>) => ScarAnswers[S] } = {
  D1: (r, o) => ({
    team: r.rows(o, 'team', (m, p) => {
      const member: ScarAnswers['D1']['team'][number] = { name: r.text(m, 'name', p, short), role: r.text(m, 'role', p, short) };
      const email = r.optionalText(m, 'email', p, 254);
      if (email && !emailPattern.test(email)) r.problems[`answer.${p}email`] ??= problem('scar-rules.badEmail');
      return email ? { ...member, email } : member;
    }),
  }),
  D2: (r, o) => {
    const description = r.text(o, 'description', '', long);
    const isNot = r.optionalText(o, 'isNot', '', long);
    return isNot ? { description, isNot } : { description };
  },
  D3: (r, o) => ({
    containment: r.rows(o, 'containment', (c, p) => {
      const row = {
        location: r.text(c, 'location', p, short),
        quantityChecked: r.quantity(c, 'quantityChecked', p),
        quantitySuspect: r.quantity(c, 'quantitySuspect', p),
        action: r.text(c, 'action', p, long),
      };
      if (row.quantitySuspect > row.quantityChecked) r.problems[`answer.${p}quantitySuspect`] ??= problem('scar-rules.suspectOverChecked', { max: row.quantityChecked });
      return row;
    }),
    effectiveFrom: r.date(o, 'effectiveFrom', ''),
  }),
  D4: (r, o) => {
    const method = rootCauseMethods.find((m) => m === o.method);
    if (!method) r.problems['answer.method'] ??= problem('scar-rules.badMethod');
    return {
      method: (method ?? 'other') as RootCauseMethod,
      occurrenceCause: r.text(o, 'occurrenceCause', '', long),
      escapeCause: r.text(o, 'escapeCause', '', long),
      analysis: r.text(o, 'analysis', '', long),
    };
  },
  D5: (r, o) => ({ actions: r.actions(o, 'actions', 'optional') }),
  // D6 reports what was implemented: every action has its done date.
  D6: (r, o) => ({ actions: r.actions(o, 'actions', 'required'), validation: r.text(o, 'validation', '', long) }),
  D7: (r, o) => {
    const actions = r.actions(o, 'actions', 'optional');
    const documentsUpdated = r.optionalText(o, 'documentsUpdated', '', long);
    return documentsUpdated ? { actions, documentsUpdated } : { actions };
  },
  D8: (r, o) => {
    const summary = r.text(o, 'summary', '', long);
    const recognition = r.optionalText(o, 'recognition', '', long);
    return recognition ? { summary, recognition } : { summary };
  },
};

function read<S extends ScarStep>(step: S, answer: unknown): { value: ScarAnswer<S>; problems: Problems } {
  const r = new Reader();
  const o = answer !== null && typeof answer === 'object' && !Array.isArray(answer) ? (answer as Record<string, unknown>) : undefined;
  if (!o) return { value: undefined as never, problems: { answer: problem('scar-rules.badAnswer') } };
  return { value: readers[step](r, o) as ScarAnswer<S>, problems: r.problems };
}

/**
 * The problems of a supplier's answer to one 8D step, as data under `answer.<path>`; empty
 * when the answer is complete. The portal may show them before submitting.
 */
export function scarAnswerProblems(step: ScarStep, answer: unknown): Problems {
  return read(step, answer).problems;
}

/** The answer as it is kept (trimmed, unknown fields dropped); refuses with every problem at once. */
export function checkScarAnswer<S extends ScarStep>(step: S, answer: unknown): ScarAnswer<S> {
  const { value, problems } = read(step, answer);
  if (Object.keys(problems).length) throw refusal('invalid_input', `the answer to ${step} is incomplete or malformed`, problems);
  return value;
}
