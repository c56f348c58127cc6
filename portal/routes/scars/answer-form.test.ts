import { describe, expect, it } from 'vitest';
import { flatten, readAnswer } from './answer-form.ts';

const form = (fields: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  return f;
};

describe("the 8D answer form's fields and the answer the use case takes", () => {
  it('leaves empty rows and empty optional fields out, keeps whole numbers as numbers and text as typed', () => {
    const { answer } = readAnswer(
      'D3',
      form({
        'answer.containment.0.location': '',
        'answer.containment.0.quantityChecked': '',
        'answer.containment.1.location': ' Stock ',
        'answer.containment.1.quantityChecked': '1200',
        'answer.containment.1.quantitySuspect': 'about 30',
        'answer.containment.1.action': 'Quarantined',
        'answer.effectiveFrom': '2026-03-02',
      }),
    );
    expect(answer).toEqual({ effectiveFrom: '2026-03-02', containment: [{ location: 'Stock', quantityChecked: 1200, quantitySuspect: 'about 30', action: 'Quarantined' }] });
    expect(readAnswer('D2', form({ 'answer.description': 'Cracks', 'answer.isNot': ' ' })).answer).toEqual({ description: 'Cracks' });
    expect(readAnswer('D1', form({ 'answer.team.0.name': 'Wang', 'answer.team.0.role': 'QA', 'answer.team.0.email': '' })).answer).toEqual({ team: [{ name: 'Wang', role: 'QA' }] });
  });

  it("shows a problem of the n-th kept row on that row of the form", () => {
    const { rename } = readAnswer('D5', form({ 'answer.actions.0.action': '', 'answer.actions.1.action': '', 'answer.actions.2.action': 'Fix', 'answer.actions.3.owner': 'Li' }));
    expect(rename('answer.actions.0.owner')).toBe('answer.actions.2.owner');
    expect(rename('answer/actions/1/dueDate')).toBe('answer.actions.3.dueDate');
    expect(rename('answer.actions')).toBe('answer.actions');
    expect(rename('answer.validation')).toBe('answer.validation');
  });

  it('flattens a kept answer back into the form fields it came from', () => {
    expect(flatten({ team: [{ name: 'Wang', role: 'QA' }], extra: null })).toEqual({ 'answer.team.0.name': 'Wang', 'answer.team.0.role': 'QA' });
    expect(flatten(null)).toEqual({});
  });
});
