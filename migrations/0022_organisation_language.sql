-- German notices (issue 13): the language an organisation receives its recall notices,
-- follow-ups and receipts in first, set by the manufacturer's administrator. Existing
-- organisations start in English; the recall's other notice languages still follow.
-- The values are the portal's locales (shared/i18n/index.ts), checked when saved.
ALTER TABLE organisations ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
