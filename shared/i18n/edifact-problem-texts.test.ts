// The EDIFACT problems are data too ({ code, params, segment, … }), but their codes are bare
// (`badDateTime`, not `edifact.badDateTime`), so problem-codes.test.ts does not see them. The
// upload pages (DESADV on /lots, INVOIC on /invoices) word them from `lots.edifact.problem.<code>`
// or `invoices.edifact.problem.<code>` and otherwise fall back to the English `message`: every
// code a tokenizer, envelope or file use case can report on those pages needs a text in both
// languages, or a Chinese page shows English.
import { describe, expect, it } from 'vitest';
import { edifactProblemTexts } from '../edifact/problems.ts';
import { envelopeProblemTexts } from '../edifact/envelope.ts';
import { desadvFileProblemTexts } from '../lots/submit-desadv-file.ts';
import { desadvProblemTexts } from '../lots/map-desadv.ts';
import { invoicProblemTexts } from '../invoices/map-invoic.ts';
import { invoicFileProblemTexts } from '../invoices/submit-invoic-file.ts';
import { invoicMessageProblemTexts } from '../invoices/submit-invoic-message.ts';
import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';

const texts = { edifactProblemTexts, envelopeProblemTexts, desadvFileProblemTexts, desadvProblemTexts, invoicProblemTexts, invoicFileProblemTexts, invoicMessageProblemTexts };

describe('EDIFACT problem codes shown on the upload pages', () => {
  for (const [name, group] of Object.entries(texts)) {
    it(`${name}: each code has an upload text in English and Chinese`, () => {
      const missing = Object.keys(group).filter((code) => !['lots', 'invoices'].some((c) => `${c}.edifact.problem.${code}` in en && `${c}.edifact.problem.${code}` in zhCN));
      expect(missing).toEqual([]);
    });
  }
});
