// `lotbridge validate` (issue 19) on a real SQLite file with its key file, the CLI's main() called
// in this process: a clean demo database passes IQ and PQ; a removed trigger, an edited migration
// checksum and a tampered signed record each fail the report with the finding that names them;
// the PDF read back with pdftotext lists every clause.
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../gateway/cli/index.ts';
import { openDb } from '../../shared/db/index.ts';
import { clauses } from '../../shared/validation/clauses.ts';
import { requirements } from '../../shared/validation/requirements.ts';
import { readCommit } from '../../shared/validation/read-installation.ts';
import { rootDir } from '../../gateway/node/paths.ts';
import type { ValidationReport } from '../../shared/validation/report.ts';
import { pdfTextFlat } from '../support/pdf-text.ts';
import { writeTestRun } from '../support/validation-report.ts';
import { tempDir } from '../support/server.ts';

const seeded = tempDir('lotbridge-validate-');

/** Runs the CLI with DATABASE_URL on `dir`'s database; its exit code, printed lines and the report it wrote. */
async function validate(dir: string, ...args: string[]): Promise<{ code: number; out: string; report: ValidationReport; pdf: Uint8Array; out_dir: string }> {
  const outDir = join(dir, 'report');
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a) => void lines.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a) => void lines.push(a.join(' ')));
  vi.stubEnv('DATABASE_URL', `file:${join(dir, 'lotbridge.db')}`);
  vi.stubEnv('UPLOAD_DIR', join(dir, 'uploads'));
  // The test tiers are not run from inside them: --skip-tests, unless the results of a run are given.
  const code = await main(['validate', '--out', outDir, ...(args.includes('--test-results') ? [] : ['--skip-tests']), ...args]);
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  return { code, out: lines.join('\n'), report: JSON.parse(readFileSync(join(outDir, 'report.json'), 'utf8')) as ValidationReport, pdf: readFileSync(join(outDir, 'report.pdf')), out_dir: outDir };
}

/** A copy of the seeded database and its key file in a folder of its own. */
function copyOfSeeded(): { dir: string; remove(): void } {
  const copy = tempDir('lotbridge-validate-case-');
  for (const name of ['lotbridge.db', 'lotbridge.db-wal', 'lotbridge.key']) {
    if (existsSync(join(seeded.dir, name))) copyFileSync(join(seeded.dir, name), join(copy.dir, name));
  }
  return copy;
}

/** Changes the copy's database directly, as someone holding the file could. */
async function tamper(dir: string, work: (db: ReturnType<typeof openDb>) => Promise<void>): Promise<void> {
  const db = openDb(`file:${join(dir, 'lotbridge.db')}`);
  try {
    await work(db);
  } finally {
    db.close();
  }
}

const check = (report: ValidationReport, id: string) => report.checks.find((c) => c.id === id)!;
const cases: { remove(): void }[] = [];

beforeAll(async () => {
  vi.stubEnv('DATABASE_URL', `file:${join(seeded.dir, 'lotbridge.db')}`);
  vi.stubEnv('UPLOAD_DIR', join(seeded.dir, 'uploads'));
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  expect(await main(['migrate'])).toBe(0);
  expect(await main(['demo'])).toBe(0);
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

afterAll(() => {
  for (const c of cases) c.remove();
  seeded.remove();
});

describe('lotbridge validate', () => {
  it('passes IQ and PQ on a clean database with --skip-tests, writes JSON, PDF and their SHA-256, and the PDF lists every clause [REQ-VAL-01]', async () => {
    const copy = copyOfSeeded();
    cases.push(copy);
    const { code, out, report, pdf, out_dir } = await validate(copy.dir);
    expect(code).toBe(0);
    expect(report.passed).toBe(true);
    expect(report.format).toBe('lotbridge-validation/1');
    const ids = ['iq.runtime', 'iq.commit', 'iq.migrations', 'iq.triggers', 'iq.security', 'iq.keys', 'iq.clock', 'oq.tests', 'pq.audit_chain', 'pq.signed_records', 'pq.recall_drill'];
    expect(report.checks.map((c) => c.id)).toEqual(ids);
    for (const c of report.checks) expect({ id: c.id, status: c.status, findings: c.findings }).toEqual({ id: c.id, status: c.id === 'oq.tests' ? 'skipped' : 'pass', findings: [] });
    // The drill ran on a copy: consignees resolved, a notice per consignee rendered, nothing sent, the copy gone.
    const drill = check(report, 'pq.recall_drill').facts;
    expect(drill.consigneesResolved).toBeGreaterThan(0);
    expect(drill.noticesRendered).toBe(drill.consigneesResolved);
    expect(drill).toMatchObject({ sent: 0, copyRemoved: true });
    const original = openDb(`file:${join(copy.dir, 'lotbridge.db')}`);
    expect((await original.get<{ n: number }>("SELECT COUNT(*) AS n FROM recalls WHERE recall_number LIKE 'DRILL-%'"))!.n).toBe(0);
    original.close();
    // Keys by fingerprint, never the key itself.
    const key = JSON.parse(readFileSync(join(copy.dir, 'lotbridge.key'), 'utf8')) as { keys: { key: string }[] };
    expect(JSON.stringify(report)).not.toContain(key.keys[0]!.key);
    expect(report.deviations.map((d) => d.code)).toContain('validation.tests_skipped');
    expect(out).toMatch(/IQ: protective triggers present/);
    expect(out).toMatch(/PASSED/);

    const sums = readFileSync(join(out_dir, 'report.sha256'), 'utf8');
    const sha = (file: string) => createHash('sha256').update(readFileSync(join(out_dir, file))).digest('hex');
    expect(sums).toBe(`${sha('report.json')}  report.json\n${sha('report.pdf')}  report.pdf\n`);

    const text = pdfTextFlat(pdf);
    for (const clause of clauses) expect(text).toContain(clause.id);
    expect(text).toContain('Lotbridge validation report');
    expect(text).toContain('PASSED');
    // What each check measured, by name: the drill's consignees among them.
    expect(text).toContain(`Consignees resolved ${drill.consigneesResolved}`);
    // Facts that are codes are worded: no PUBLIC_URL here, so cookies are Secure per request.
    expect(check(report, 'iq.security').facts.secureCookies).toBe('per_request');
    expect(text).toContain('When the request arrives over HTTPS (PUBLIC_URL is not set)');
    expect(text).not.toContain('per_request');
    expect(text).toContain('Copy removed afterwards Yes');
  });

  it('fails the report naming a protective trigger that was removed [REQ-VAL-01]', async () => {
    const copy = copyOfSeeded();
    cases.push(copy);
    await tamper(copy.dir, (db) => db.run('DROP TRIGGER audit_log_no_update').then(() => undefined));
    const { code, report, pdf } = await validate(copy.dir);
    expect(code).toBe(1);
    expect(report.passed).toBe(false);
    expect(check(report, 'iq.triggers')).toMatchObject({ status: 'fail', findings: [{ code: 'validation.trigger_missing', params: { trigger: 'audit_log_no_update' } }] });
    expect(report.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['iq.triggers']);
    expect(pdfTextFlat(pdf)).toContain('The protective trigger audit_log_no_update is missing from the database.');
    // The same report in Chinese (--lang): the finding worded from the catalogue, the trigger named.
    const zh = await validate(copy.dir, '--lang', 'zh-CN');
    expect(zh.code).toBe(1);
    expect(pdfTextFlat(zh.pdf).replace(/ /g, '')).toContain('数据库中缺少保护性触发器audit_log_no_update。');
  });

  it('fails the report naming a migration whose checksum differs from what the database applied [REQ-VAL-01]', async () => {
    const copy = copyOfSeeded();
    cases.push(copy);
    await tamper(copy.dir, (db) => db.run("UPDATE schema_migrations SET checksum = ? WHERE name = '0006_lots.sql'", ['0'.repeat(64)]).then(() => undefined));
    const { code, report } = await validate(copy.dir);
    expect(code).toBe(1);
    expect(check(report, 'iq.migrations').findings).toEqual([
      { code: 'validation.migration_checksum_differs', params: { migration: '0006_lots.sql', recorded: '000000000000', file: expect.stringMatching(/^[0-9a-f]{12}$/) } },
    ]);
    expect(report.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['iq.migrations']);
  });

  it('fails the report naming a signed record that was altered in the database file [REQ-VAL-01]', async () => {
    const copy = copyOfSeeded();
    cases.push(copy);
    let lotId = '';
    await tamper(copy.dir, async (db) => {
      lotId = (await db.get<{ id: string }>('SELECT id FROM lots ORDER BY id LIMIT 1'))!.id;
      // The trigger that keeps lots fixed is put back as it was: only the record tells.
      const trigger = (await db.get<{ sql: string }>("SELECT sql FROM sqlite_master WHERE name = 'lots_content_fixed'"))!.sql;
      await db.run('DROP TRIGGER lots_content_fixed');
      await db.run('UPDATE lots SET quantity = quantity + 1 WHERE id = ?', [lotId]);
      await db.run(trigger);
    });
    const { code, report } = await validate(copy.dir);
    expect(code).toBe(1);
    expect(check(report, 'pq.signed_records').findings).toContainEqual({ code: 'validation.record_altered', params: { type: 'lot', id: lotId, problem: 'altered' } });
    expect(report.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['pq.signed_records']);
    expect(report.deviations).toContainEqual({ code: 'validation.record_altered', params: { type: 'lot', id: lotId, problem: 'altered' } });
  });

  it('fails the report naming an approved supplier list entry whose signature was removed, worded in the PDF [REQ-VAL-01]', async () => {
    const copy = copyOfSeeded();
    cases.push(copy);
    let entryId = '';
    await tamper(copy.dir, async (db) => {
      entryId = (await db.get<{ id: string }>('SELECT id FROM supplier_approvals WHERE signature_id IS NOT NULL ORDER BY id LIMIT 1'))!.id;
      // Unsigned, the entry would pass for an automatic downgrade; its audit trail says QA signed it.
      await db.run('UPDATE supplier_approvals SET signature_id = NULL, decided_by = NULL WHERE id = ?', [entryId]);
    });
    const { code, report, pdf } = await validate(copy.dir);
    expect(code).toBe(1);
    expect(check(report, 'pq.signed_records').findings).toEqual([{ code: 'validation.record_altered', params: { type: 'supplier_approval', id: entryId, problem: 'signature_removed' } }]);
    expect(report.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['pq.signed_records']);
    expect(pdfTextFlat(pdf)).toContain(`Signed record approved supplier list entry ${entryId} fails its hash check (signature removed).`);
  });

  describe('with the results of an earlier test run (--test-results)', () => {
    const installed = readCommit(rootDir).commit;
    const oq = (report: ValidationReport) => check(report, 'oq.tests');

    it('maps the results of a run of the installed commit to every requirement and clause, and says where they came from [REQ-VAL-05]', async () => {
      const copy = copyOfSeeded();
      cases.push(copy);
      const results = writeTestRun(join(copy.dir, 'test-results'), { commit: installed });
      const { code, report, pdf } = await validate(copy.dir, '--test-results', results);
      expect(code).toBe(0);
      expect(oq(report)).toMatchObject({ status: 'pass', findings: [], facts: { resultsFrom: results, testedCommit: installed ?? 'unknown', exitCode: 0, failed: 0 } });
      expect(report.requirements.map((r) => [r.id, r.status])).toEqual(requirements.map((r) => [r.id, 'pass']));
      expect(report.clauses.filter((c) => c.status !== 'gap').every((c) => c.status === 'pass')).toBe(true);
      expect(report.environment.tests).toBe(`results of an earlier run: ${results}`);
      expect(report.deviations.map((d) => d.code)).not.toContain('validation.tests_skipped');
      const text = pdfTextFlat(pdf);
      expect(text).toContain(`Results from ${results}`);
      expect(text).toContain(`Commit tested ${installed ?? 'unknown'}`);
    });

    it.each([
      {
        case: 'a run of another commit',
        run: { commit: 'f'.repeat(40) },
        finding: { code: 'validation.tests_other_commit', params: { tested: 'f'.repeat(40), installed: installed ?? '' } },
      },
      { case: 'a run on a modified tree', run: { commit: installed, modifiedFiles: 3 }, finding: { code: 'validation.tests_tree_modified', params: { files: 3, commit: installed ?? '' } } },
      { case: 'a run of only the unit tier', run: { commit: installed, files: (f: string) => !f.startsWith('tests/') }, finding: { code: 'validation.requirements_not_run', params: { count: expect.any(Number), requirements: expect.stringMatching(/^REQ-/) } } },
      // Every traced test has its result, but the run was filtered: the untraced tests' failures would not show.
      { case: 'a filtered run', run: { commit: installed, args: ['-t', 'REQ-'] }, finding: { code: 'validation.tests_filtered', params: { args: '-t REQ-' } } },
      // Run without a checkout (LOTBRIDGE_COMMIT stamped): nothing says the tree was the commit's.
      { case: 'a run that could not tell whether its tree was modified', run: { commit: installed, commitSource: 'stamp' as const, modifiedFiles: null }, finding: { code: 'validation.tests_tree_unknown', params: { commit: installed ?? '' } } },
      { case: 'a run that failed', run: { commit: installed, failing: '[REQ-VAL-01]' }, finding: { code: 'validation.tests_failed', params: { code: 1 } } },
    ])('fails OQ for $case, naming why [REQ-VAL-05]', async ({ run, finding }) => {
      const copy = copyOfSeeded();
      cases.push(copy);
      const results = writeTestRun(join(copy.dir, 'test-results'), run);
      const { code, report, out } = await validate(copy.dir, '--test-results', results);
      expect(code).toBe(1);
      expect(report.passed).toBe(false);
      expect(oq(report).status).toBe('fail');
      expect(oq(report).findings).toContainEqual(finding);
      expect(report.deviations).toContainEqual(finding);
      expect(out).toMatch(/FAILED/);
    });

    it('refuses results changed after their run, or without the record of their run [REQ-VAL-05]', async () => {
      const copy = copyOfSeeded();
      cases.push(copy);
      const results = writeTestRun(join(copy.dir, 'test-results'), { commit: installed, failing: '[REQ-VAL-01]' });
      // The failed result turned into a pass by hand: run.json's SHA-256 no longer matches.
      writeFileSync(results, readFileSync(results, 'utf8').replaceAll('"failed"', '"passed"'));
      const edited = await validate(copy.dir, '--test-results', results);
      expect(edited.code).toBe(1);
      expect(oq(edited.report).findings).toContainEqual({ code: 'validation.tests_provenance_mismatch', params: { file: results } });

      rmSync(join(copy.dir, 'test-results', 'run.json'));
      const bare = await validate(copy.dir, '--test-results', results);
      expect(bare.code).toBe(1);
      expect(oq(bare.report).findings).toEqual([{ code: 'validation.tests_provenance_missing', params: { file: results } }]);
    });

    it('refuses --test-results together with --skip-tests, and a results file that is not there', async () => {
      const copy = copyOfSeeded();
      cases.push(copy);
      const lines: string[] = [];
      vi.spyOn(console, 'error').mockImplementation((...a) => void lines.push(a.join(' ')));
      expect(await main(['validate', '--out', join(copy.dir, 'r'), '--skip-tests', '--test-results', join(copy.dir, 'vitest.json')])).not.toBe(0);
      expect(await main(['validate', '--out', join(copy.dir, 'r'), '--test-results', join(copy.dir, 'nowhere.json')])).not.toBe(0);
      expect(lines.join('\n')).toMatch(/--test-results and --skip-tests exclude each other[\s\S]*no test results at .*nowhere\.json/);
      expect(existsSync(join(copy.dir, 'r'))).toBe(false);
    });
  });
});
