import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors.ts';
import { checkNoticeRevision, fsnReferenceOf, fsnStatus, replyNeededAgain, revisionToAnswer, textsInForce, type NoticeRevision } from './notice-revisions.ts';

const fixed = { recallId: 'rcl_1', recallNumber: 'FSCA-1', fsnReference: 'FSCA-1', revision: 2 };

function problems(f: () => unknown): Record<string, unknown> {
  try {
    f();
  } catch (e) {
    if (isAppError(e)) return e.problems ?? {};
    throw e;
  }
  throw new Error('not refused');
}

describe('a revised notice as QA gives it', () => {
  it('keeps only what is given: the payload says exactly what changed', () => {
    expect(checkNoticeRevision({ type: 'follow_up', change: '  Replacement units ship from 2026-04-01. ', hazard: ' ', translations: { de: { reason: ' ' } } }, fixed)).toEqual({
      ...fixed,
      type: 'follow_up',
      change: 'Replacement units ship from 2026-04-01.',
    });
    expect(
      checkNoticeRevision({ type: 'update', change: 'Lot L-C too.', changeTranslations: { 'zh-CN': '批次 L-C 也受影响。', de: '' }, hazard: 'Air embolism', translations: { de: { hazard: 'Luftembolie' } } }, fixed),
    ).toEqual({ ...fixed, type: 'update', change: 'Lot L-C too.', changeTranslations: { 'zh-CN': '批次 L-C 也受影响。' }, hazard: 'Air embolism', translations: { de: { hazard: 'Luftembolie' } } });
  });

  it('refuses a missing change text, an unknown type, texts too long and unknown languages, all at once', () => {
    expect(problems(() => checkNoticeRevision({ type: 'new', change: '  ', reason: 'x'.repeat(501), changeTranslations: { fr: 'Le lot' }, translations: { de: { instructionText: 'y'.repeat(2001) } } }, fixed))).toEqual({
      type: { code: 'fsnRevision.typeUnknown' },
      change: { code: 'fsnRevision.changeRequired' },
      reason: { code: 'recalls.tooLong', params: { max: 500 } },
      changeTranslations: { code: 'recalls.badLanguages' },
      'translations/de/instructionText': { code: 'recalls.tooLong', params: { max: 2000 } },
    });
  });
});

describe('the FSN reference', () => {
  it('is the one the recall gives, else its number', () => {
    expect(fsnReferenceOf({ fsnReference: ' FSN-2026-07 ' }, 'FSCA-1')).toBe('FSN-2026-07');
    expect(fsnReferenceOf({}, 'FSCA-1')).toBe('FSCA-1');
    expect(fsnReferenceOf({ fsnReference: 7 }, 'FSCA-1')).toBe('FSCA-1');
  });
});

describe('the texts in force', () => {
  const original = { reason: 'Clamp may leak', hazard: 'Under-infusion', translations: { de: { reason: 'Klemme undicht', hazard: 'Unterinfusion' }, 'zh-CN': { reason: '夹子可能泄漏' } } };

  it('are the recall’s until a revision changes one', () => {
    expect(textsInForce(original, [])).toEqual(original);
    expect(textsInForce(original, [{ instructionText: 'Return all units.' }])).toEqual({ ...original, instructionText: 'Return all units.' });
  });

  it('drop a translation of a text a revision replaces, unless the revision gives the new one', () => {
    const after = textsInForce(original, [{ hazard: 'Air embolism', translations: { 'zh-CN': { hazard: '空气栓塞' } } }]);
    expect(after).toEqual({ reason: 'Clamp may leak', hazard: 'Air embolism', translations: { de: { reason: 'Klemme undicht' }, 'zh-CN': { reason: '夹子可能泄漏', hazard: '空气栓塞' } } });
    // The German hazard said the old thing: the notice in German shows the new English hazard, not the stale translation.
    expect(after.translations.de?.hazard).toBeUndefined();
  });

  it('apply revisions in order: a later change wins', () => {
    const after = textsInForce(original, [{ reason: 'Second reason', translations: { de: { reason: 'Zweiter Grund' } } }, { reason: 'Third reason' }]);
    expect(after.reason).toBe('Third reason');
    expect(after.translations).toEqual({ de: { hazard: 'Unterinfusion' } });
  });
});

describe('which replies count', () => {
  const update = (revision: number) => ({ revision, type: 'update' as const });
  const followUp = (revision: number) => ({ revision, type: 'follow_up' as const });

  it('an update asks every reply again; a follow-up does not', () => {
    expect(revisionToAnswer([])).toBe(1);
    expect(revisionToAnswer([followUp(2)])).toBe(1);
    expect(revisionToAnswer([followUp(2), update(3), followUp(4)])).toBe(3);
    expect(replyNeededAgain(1, [followUp(2)])).toBe(false);
    expect(replyNeededAgain(1, [update(2)])).toBe(true);
    expect(replyNeededAgain(2, [update(2)])).toBe(false);
    // A reply given after a follow-up that came after the update answers the notice in force.
    expect(replyNeededAgain(4, [followUp(2), update(3), followUp(4)])).toBe(false);
    expect(replyNeededAgain(2, [followUp(2), update(3)])).toBe(true);
  });

  it('no reply is not "needed again": it is simply awaited', () => {
    expect(replyNeededAgain(null, [update(2)])).toBe(false);
  });
});

describe('the FSN status a notice shows', () => {
  const revision = (n: number, type: 'update' | 'follow_up', createdAt: string): NoticeRevision => ({ ...fixed, id: `rnr_${n}`, revision: n, type, change: `change ${n}`, createdAt });

  it('is revision 1, new, until QA revises it; then names the notice it supersedes or adds to', () => {
    expect(fsnStatus('FSCA-1', '2026-03-02T10:00:00.000Z', [])).toEqual({ reference: 'FSCA-1', type: 'new', revision: 1, issuedAt: '2026-03-02T10:00:00.000Z', revisionToAnswer: 1 });
    const two = revision(2, 'update', '2026-03-05T09:00:00.000Z');
    expect(fsnStatus('FSCA-1', '2026-03-02T10:00:00.000Z', [two])).toMatchObject({ type: 'update', revision: 2, issuedAt: two.createdAt, previousIssuedAt: '2026-03-02T10:00:00.000Z', change: 'change 2', revisionToAnswer: 2 });
    expect(fsnStatus('FSCA-1', '2026-03-02T10:00:00.000Z', [two, revision(3, 'follow_up', '2026-03-09T09:00:00.000Z')])).toMatchObject({
      type: 'follow_up',
      revision: 3,
      previousIssuedAt: two.createdAt,
      revisionToAnswer: 2,
    });
  });
});
