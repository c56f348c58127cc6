// What slice D adds to a recall's signed content and how it is checked: the portal form's contact,
// FSN reference and authorities (create-recall.ts checkNewRecall), the ERP's hazard now required
// (recall.issued schema), and the record hash covering the new fields while an old payload
// without them hashes as before.
import { describe, expect, it } from 'vitest';
import { isAppError, type AppError } from '../errors.ts';
import { validateEvent } from '../events/validate-event.ts';
import { checkNewRecall, type NewRecall } from './create-recall.ts';
import { recallRecordHash } from './recall-record-hash.ts';

const today = '2026-03-01';
const valid: NewRecall = {
  recallNumber: 'FSCA-2026-004',
  classifications: [{ jurisdiction: 'EU-MDR', type: 'fsca', class: 'other' }],
  reason: 'Leak at the roller clamp',
  hazard: 'Air embolism',
  actions: ['quarantine'],
  products: [{ gtin: '9506000134352', lots: ['L-A'] }],
  responseDeadline: '2026-03-10',
  effectivenessLevel: 'C',
  noticeLanguages: ['en'],
};

function problemsOf(input: NewRecall) {
  const e = (() => {
    try {
      checkNewRecall(input, today);
    } catch (thrown) {
      return thrown;
    }
  })();
  expect(isAppError(e), `expected a refusal, got ${String(e)}`).toBe(true);
  expect((e as AppError).code).toBe('invalid_input');
  return (e as AppError).problems;
}

describe('the recall form: the notice fields (checkNewRecall)', () => {
  it('refuses a recall without a hazard, with the field problem', () => {
    expect(problemsOf({ ...valid, hazard: '   ' })).toEqual({ hazard: { code: 'recalls.hazardRequired' } });
  });

  it('refuses a contact e-mail or phone of the wrong shape, each under its field', () => {
    expect(problemsOf({ ...valid, contact: { name: 'Mei Chen', email: 'mei at meridian', phone: 'call me' } })).toEqual({
      contactEmail: { code: 'noticeContent.badEmail' },
      contactPhone: { code: 'noticeContent.badPhone' },
    });
  });

  it('refuses authorities without the date they were informed, a date without authorities, and a future date', () => {
    expect(problemsOf({ ...valid, authorities: ['BfArM (DE)'] })).toEqual({ authoritiesInformedOn: { code: 'noticeContent.dateMissing' } });
    expect(problemsOf({ ...valid, authorities: [' '], authoritiesInformedOn: '2026-02-27' })).toEqual({ authorities: { code: 'noticeContent.authoritiesMissing' } });
    expect(problemsOf({ ...valid, authorities: ['BfArM (DE)'], authoritiesInformedOn: '2026-03-02' })).toEqual({ authoritiesInformedOn: { code: 'noticeContent.badDate' } });
  });

  it('records the contact, FSN reference and authorities given, trimmed, the e-mail in lower case', () => {
    const content = checkNewRecall(
      { ...valid, contact: { name: ' Mei Chen ', email: 'Mei.Chen@Meridian.example', phone: '+49 30 1234-5678' }, fsnReference: ' FSN-7 ', authorities: ['BfArM (DE)', '', 'Swissmedic (CH)'], authoritiesInformedOn: '2026-02-28' },
      today,
    );
    expect(content.contact).toEqual({ name: 'Mei Chen', email: 'mei.chen@meridian.example', phone: '+49 30 1234-5678' });
    expect(content.fsnReference).toBe('FSN-7');
    expect(content.competentAuthorities).toEqual([
      { name: 'BfArM (DE)', informedOn: '2026-02-28' },
      { name: 'Swissmedic (CH)', informedOn: '2026-02-28' },
    ]);
  });

  it('leaves them out when not given, so the signed content is what it was before', () => {
    const content = checkNewRecall({ ...valid, contact: { name: '', email: '', phone: '' }, fsnReference: '', authorities: [''], authoritiesInformedOn: '' }, today);
    expect(content).not.toHaveProperty('contact');
    expect(content).not.toHaveProperty('fsnReference');
    expect(content).not.toHaveProperty('competentAuthorities');
  });
});

describe('recall.issued from the ERP', () => {
  const data = { recallNumber: 'FSCA-ERP-1', issuedAt: '2026-03-02T08:00:00Z', reason: 'Leak', products: [{ gtin: '09506000134352' }] };
  const refusedWith = (given: unknown) => {
    try {
      validateEvent({ type: 'recall.issued', timestamp: '2026-03-02T08:00:00Z', data: given }, 'inbound');
    } catch (e) {
      expect(isAppError(e) && e.code).toBe('invalid_input');
      return (e as AppError).problems;
    }
    throw new Error('accepted');
  };

  it('refuses a recall without a hazard, naming data/hazard as required', () => {
    expect(refusedWith(data)).toEqual({ 'data/hazard': { code: 'common.required' } });
  });

  it('refuses a contact e-mail and an SRN of the wrong shape, each at its path', () => {
    expect(refusedWith({ ...data, hazard: 'Air embolism', contact: { email: 'nobody' }, srn: 'DE-12345' })).toEqual({
      'data/contact/email': { code: 'events.pattern' },
      'data/srn': { code: 'events.pattern' },
    });
  });

  it('takes a recall with hazard, contact, FSN reference, SRN and authorities', () => {
    const full = {
      ...data,
      hazard: 'Air embolism',
      contact: { name: 'Mei Chen', email: 'mei@meridian.example', phone: '+49 30 1234 5678' },
      fsnReference: 'FSN-7',
      srn: 'DE-MF-000012345',
      competentAuthorities: [{ name: 'BfArM (DE)', informedOn: '2026-03-01' }],
    };
    expect(validateEvent({ type: 'recall.issued', timestamp: '2026-03-02T08:00:00Z', data: full }, 'inbound').data).toEqual(full);
  });
});

describe('the record hash over the notice fields', () => {
  const old = { recallNumber: 'FSCA-1', issuedAt: '2026-03-02T09:00:00Z', reason: 'Roller clamp may leak', products: [{ gtin: '09506000134352', lots: ['L-1'] }] };

  it('is unchanged for a payload recorded before the fields existed (pinned: stored records verify as before)', () => {
    expect(recallRecordHash('erp', old)).toBe('f3856cb74e6e65298d1acf25d5331a41ead8787ad4c3d0b524cb9638120d5336');
  });

  it('covers the contact, FSN reference, SRN and authorities: changing one changes the hash', () => {
    const given = { ...old, hazard: 'Air embolism', contact: { email: 'qa@meridian.example' }, fsnReference: 'FSN-7', srn: 'DE-MF-000012345', competentAuthorities: [{ name: 'BfArM (DE)', informedOn: '2026-03-01' }] };
    for (const source of ['erp', 'portal'] as const) {
      const hash = recallRecordHash(source, given);
      expect(recallRecordHash(source, { ...given, contact: { email: 'someone@else.example' } })).not.toBe(hash);
      expect(recallRecordHash(source, { ...given, fsnReference: 'FSN-8' })).not.toBe(hash);
      expect(recallRecordHash(source, { ...given, srn: 'DE-MF-000099999' })).not.toBe(hash);
      expect(recallRecordHash(source, { ...given, competentAuthorities: [] })).not.toBe(hash);
    }
  });
});
