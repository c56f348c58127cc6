// The supplier's 8D answer as the form carries it: fields named `answer.<path>` (the use case's
// problem paths), repeated rows numbered from 0. Empty rows are left out of the answer; a problem
// of the n-th kept row is shown on its form row.
import type { ScarStep } from '$shared/scars/scar.ts';

/** The repeated rows of each step (team members, containment, actions) and their fields. */
export const answerRows = {
  D1: { list: 'team', fields: ['name', 'role', 'email'], optional: ['email'] },
  D3: { list: 'containment', fields: ['location', 'quantityChecked', 'quantitySuspect', 'action'], optional: [] },
  D5: { list: 'actions', fields: ['action', 'owner', 'dueDate', 'doneDate'], optional: ['doneDate'] },
  D6: { list: 'actions', fields: ['action', 'owner', 'dueDate', 'doneDate'], optional: ['doneDate'] },
  D7: { list: 'actions', fields: ['action', 'owner', 'dueDate', 'doneDate'], optional: ['doneDate'] },
} as const satisfies Partial<Record<ScarStep, { list: string; fields: readonly string[]; optional: readonly string[] }>>;

/** The single fields of each step (`?` marks one left out of the answer when empty). */
export const answerFields: Record<ScarStep, readonly string[]> = {
  D1: [],
  D2: ['description', 'isNot?'],
  D3: ['effectiveFrom'],
  D4: ['method', 'occurrenceCause', 'escapeCause', 'analysis'],
  D5: [],
  D6: ['validation'],
  D7: ['documentsUpdated?'],
  D8: ['summary', 'recognition?'],
};

/** How many rows a step's form offers at least (one more than an earlier answer had). */
export const minimumRows = { D1: 4, D3: 2, D5: 3, D6: 3, D7: 3 } as const;

const numeric = new Set(['quantityChecked', 'quantitySuspect']);

/** An answer as flat form values (`answer.team.0.name` → 'Li Wei'), to fill the form again. */
export function flatten(value: unknown, prefix = 'answer'): Record<string, string> {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object') return { [prefix]: String(value) };
  return Object.assign({}, ...Object.entries(value).map(([k, v]) => flatten(v, `${prefix}.${k}`)));
}

/** The answer to `step` read from the form, the typed values to show again, and the rename of problem paths to form fields. */
export function readAnswer(step: ScarStep, form: FormData) {
  const values: Record<string, string> = {};
  for (const [k, v] of form.entries()) if (k.startsWith('answer.') && typeof v === 'string') values[k] = v;
  const text = (name: string) => (values[`answer.${name}`] ?? '').trim();
  const answer: Record<string, unknown> = {};
  for (const f of answerFields[step]) {
    const name = f.replace('?', '');
    if (!f.endsWith('?') || text(name)) answer[name] = text(name);
  }
  const rows = step in answerRows ? answerRows[step as keyof typeof answerRows] : null;
  const kept: number[] = [];
  if (rows) {
    const items: Record<string, unknown>[] = [];
    for (let i = 0; Object.keys(values).some((k) => k.startsWith(`answer.${rows.list}.${i}.`)); i++) {
      if (!rows.fields.some((f) => text(`${rows.list}.${i}.${f}`))) continue;
      const item: Record<string, unknown> = {};
      for (const f of rows.fields) {
        const v = text(`${rows.list}.${i}.${f}`);
        if ((rows.optional as readonly string[]).includes(f) && !v) continue;
        // A whole number goes as a number; anything else as typed, for the use case to refuse.
        item[f] = numeric.has(f) && /^\d+$/.test(v) ? Number(v) : v;
      }
      items.push(item);
      kept.push(i);
    }
    answer[rows.list] = items;
  }
  const rename = (field: string) => {
    const path = field.replace(/\//g, '.');
    const m = rows ? new RegExp(`^answer\\.${rows.list}\\.(\\d+)(\\..*)?$`).exec(path) : null;
    return m ? `answer.${rows!.list}.${kept[Number(m[1])] ?? 0}${m[2] ?? ''}` : path;
  };
  return { answer, values, rename };
}
