import { describe, expect, it } from 'vitest';
import { AppError, problem, refusal } from '../../shared/errors.ts';
import { refusal as refusalOf } from '../../tests/support/refusal.ts';
import { inRequestShape } from './problems.ts';

describe('inRequestShape', () => {
  const rowsToLots = (field: string) => {
    const m = /^rows\/(\d+)\/(.+)$/.exec(field);
    return m ? `lots/${Number(m[1]) - 1}/${m[2]}` : undefined;
  };

  it('renames a refusal\'s field paths into the request, keeping code, message and the paths it does not know', async () => {
    const refused = await refusalOf(
      inRequestShape(Promise.reject(refusal('invalid_input', 'the lots are not valid', { 'rows/1/gtin': problem('common.badGtin'), supplierId: problem('common.required') })), rowsToLots),
    );
    expect(refused).toMatchObject({ code: 'invalid_input', message: 'the lots are not valid', problems: { 'lots/0/gtin': { code: 'common.badGtin' }, supplierId: { code: 'common.required' } } });
  });

  it('passes answers, refusals without field problems and other errors through', async () => {
    await expect(inRequestShape(Promise.resolve(7), rowsToLots)).resolves.toBe(7);
    const notFound = new AppError('not_found', 'no such lot');
    await expect(inRequestShape(Promise.reject(notFound), rowsToLots)).rejects.toBe(notFound);
    const crash = new Error('disk full');
    await expect(inRequestShape(Promise.reject(crash), rowsToLots)).rejects.toBe(crash);
  });
});
