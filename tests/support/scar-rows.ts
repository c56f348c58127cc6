// SCARs for read tests, written as rows in plain SQL (migration 0051's columns) with a signature
// of QA's: what openScar records, without its checks, mail and events. For tests of readers (the
// REST API's lists and views); tests of the SCAR rules go through the use cases.
import type { Db } from '../../shared/db/index.ts';
import { scarSteps, type ScarAnswers, type ScarSeverity, type ScarState, type ScarStep } from '../../shared/scars/scar.ts';
import { newId } from '../../shared/ids.ts';

export interface ScarRowInput {
  supplierId: string;
  /** QA's user id: who opened and signed it. */
  openedBy: string;
  number: string;
  title?: string;
  severity?: ScarSeverity;
  state?: ScarState;
  openedAt: string;
  /** Every step's due date (YYYY-MM-DD), D1..D8 in order. */
  dueDates: string[];
  lotIds?: string[];
  /** Answers already given, with QA's decision when there is one. */
  answers?: { [S in ScarStep]?: { answer: ScarAnswers[S]; decision?: 'accepted' | 'returned'; comment?: string } };
}

/** Writes one SCAR with its eight steps (and links, answers), returns its id. */
export async function insertScarRows(db: Db, s: ScarRowInput): Promise<string> {
  const id = newId('scr');
  const qa = (await db.get<{ display_name: string; email: string; organisation_id: string }>(
    'SELECT u.display_name, u.email, m.organisation_id FROM users u JOIN memberships m ON m.user_id = u.id WHERE u.id = ?',
    [s.openedBy],
  ))!;
  await db.transaction(async (tx) => {
    const signature = newId('sig');
    await tx.run(
      `INSERT INTO signatures (id, entity_type, entity_id, record_hash, meaning, signer_id, signer_name, signer_email, organisation_id, method, credential_id, reason, signed_at)
       VALUES (?, 'scar', ?, ?, 'authorship', ?, ?, ?, ?, 'password', NULL, NULL, ?)`,
      [signature, id, 'test-hash', s.openedBy, qa.display_name, qa.email, qa.organisation_id, s.openedAt],
    );
    await tx.run(
      `INSERT INTO scars (id, number, supplier_id, title, problem, severity, state, opened_by, opened_at, open_signature_id, verify_after, closed_at, close_signature_id, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        s.number,
        s.supplierId,
        s.title ?? `Problem ${s.number}`,
        'Four of 32 stopcocks leak at 300 kPa.',
        s.severity ?? 'major',
        s.state ?? 'open',
        s.openedBy,
        s.openedAt,
        signature,
        s.dueDates[7]!,
        s.state === 'closed' ? s.openedAt : null,
        s.state === 'closed' ? signature : null,
        s.openedAt,
      ],
    );
    for (const lotId of s.lotIds ?? []) await tx.run("INSERT INTO scar_links (scar_id, kind, ref_id) VALUES (?, 'lot', ?)", [id, lotId]);
    for (const [i, step] of scarSteps.entries()) {
      const given = s.answers?.[step];
      await tx.run(
        `INSERT INTO scar_steps (scar_id, step, due_date, answer, submitted_at, first_submitted_at, decision, decision_comment, decided_at, decided_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          id,
          step,
          s.dueDates[i]!,
          given ? JSON.stringify(given.answer) : null,
          given ? s.openedAt : null,
          given ? s.openedAt : null,
          given?.decision ?? null,
          given?.comment ?? null,
          given?.decision ? s.openedAt : null,
          given?.decision ? s.openedBy : null,
        ],
      );
    }
  });
  return id;
}
