import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors.ts';
import { checkScarAnswer, maxRows, scarAnswerProblems } from './check-scar-answer.ts';

describe('checkScarAnswer', () => {
  it('keeps an answer trimmed, without fields the step does not have', () => {
    expect(checkScarAnswer('D1', { team: [{ name: ' Wang Fang ', role: 'QA', email: '', extra: 'dropped' }], other: 1 })).toEqual({ team: [{ name: 'Wang Fang', role: 'QA' }] });
    expect(checkScarAnswer('D2', { description: ' leaks ', isNot: ' ' })).toEqual({ description: 'leaks' });
    expect(checkScarAnswer('D3', { containment: [{ location: 'WH', quantityChecked: '12', quantitySuspect: 0, action: 'sorted' }], effectiveFrom: '2026-03-03' })).toEqual({
      containment: [{ location: 'WH', quantityChecked: 12, quantitySuspect: 0, action: 'sorted' }],
      effectiveFrom: '2026-03-03',
    });
    expect(checkScarAnswer('D8', { summary: 'done', recognition: 'thanks' })).toEqual({ summary: 'done', recognition: 'thanks' });
  });

  it('gives every problem at once under answer.<path>', () => {
    expect(scarAnswerProblems('D1', { team: [{ name: '', role: 'x'.repeat(201), email: 'not-mail' }] })).toEqual({
      'answer.team.0.name': { code: 'scar-rules.required' },
      'answer.team.0.role': { code: 'common.tooLong', params: { max: 200 } },
      'answer.team.0.email': { code: 'scar-rules.badEmail' },
    });
    expect(scarAnswerProblems('D3', { containment: [{ location: 'a', quantityChecked: -1, quantitySuspect: 1.5, action: 'b' }], effectiveFrom: '' })).toEqual({
      'answer.containment.0.quantityChecked': { code: 'scar-rules.badQuantity' },
      'answer.containment.0.quantitySuspect': { code: 'scar-rules.badQuantity' },
      'answer.effectiveFrom': { code: 'scar-rules.required' },
    });
    expect(scarAnswerProblems('D5', { actions: Array.from({ length: maxRows + 1 }, () => ({})) })).toEqual({ 'answer.actions': { code: 'scar-rules.tooMany', params: { max: maxRows } } });
    expect(scarAnswerProblems('D5', { actions: ['x'] })).toMatchObject({ 'answer.actions.0': { code: 'scar-rules.badAnswer' } });
    expect(scarAnswerProblems('D7', { actions: [{ action: 'a', owner: 'b', dueDate: '2026-02-29', doneDate: 'soon' }] })).toEqual({
      'answer.actions.0.dueDate': { code: 'scar-rules.badDate' },
      'answer.actions.0.doneDate': { code: 'scar-rules.badDate' },
    });
    expect(scarAnswerProblems('D2', 'text')).toEqual({ answer: { code: 'scar-rules.badAnswer' } });
    expect(scarAnswerProblems('D4', { method: 'fishbone', occurrenceCause: 'a', escapeCause: 'b', analysis: 'c' })).toEqual({});
  });

  it('refuses as invalid_input with the problems', () => {
    let caught: unknown;
    try {
      checkScarAnswer('D8', {});
    } catch (e) {
      caught = e;
    }
    expect(isAppError(caught) && caught.code === 'invalid_input' && caught.problems).toEqual({ 'answer.summary': { code: 'scar-rules.required' } });
  });
});
