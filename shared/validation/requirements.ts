// Lotbridge's requirements (issue 19), each with the regulation clauses it serves
// (shared/validation/clauses.ts). The tests that prove a requirement carry its id in their name
// (`it('… [REQ-P11-AUDIT-01]')`); shared/validation/trace.json lists them (`npm run trace` rewrites
// it) and shared/validation/trace.test.ts fails when a requirement has no test or a listed test is gone.
import type { Requirement } from './trace.ts';

export const requirements: Requirement[] = [
  // 21 CFR Part 11: records and the audit trail
  {
    id: 'REQ-P11-AUDIT-01',
    text: 'Every change to a record writes an audit entry in the same transaction: actor, organisation, action, old and new values and the trusted time, each entry chained to the one before by its SHA-256 hash and keyed with a MAC.',
    clauses: ['21CFR11.10(e)'],
  },
  {
    id: 'REQ-P11-AUDIT-02',
    text: 'The audit trail is append-only: the database refuses UPDATE, DELETE and INSERT OR REPLACE on its entries.',
    clauses: ['21CFR11.10(e)', '21CFR11.10(c)'],
  },
  {
    id: 'REQ-P11-AUDIT-03',
    text: '`lotbridge audit verify` names an entry changed, changed and re-hashed, deleted, truncated or forged, and exits non-zero; the intact trail verifies.',
    clauses: ['21CFR11.10(a)', '21CFR11.10(e)'],
  },
  {
    id: 'REQ-P11-AUDIT-04',
    text: 'The audit trail can be reviewed and copied: filtered by action, organisation and time, exported as CSV with its hashes and MACs, scoped to the reader\'s organisation.',
    clauses: ['21CFR11.10(b)', '21CFR11.10(e)'],
  },
  {
    id: 'REQ-P11-REC-01',
    text: 'Signed records carry a hash of their content; a record changed behind the application (even with the triggers dropped and the hash recomputed) is named by `lotbridge audit verify` and on the pages that show it.',
    clauses: ['21CFR11.10(a)', '21CFR11.10(c)', '21CFR11.70'],
  },
  {
    id: 'REQ-P11-REC-02',
    text: 'Records are retained: database triggers refuse updating or deleting signed content and signatures, states only move forward, and a closed recall takes no new records, even by raw SQL.',
    clauses: ['21CFR11.10(c)', '21CFR7.55'],
  },
  {
    id: 'REQ-P11-REC-03',
    text: 'Records can be copied accurately and completely: the status report, notices and receipts as PDF and CSV, equal bytes for equal input.',
    clauses: ['21CFR11.10(b)'],
  },
  {
    id: 'REQ-P11-SEQ-01',
    text: 'Steps happen in their permitted order: notices go out only when QA confirms the review, a recall closes only when its consignees and checks are done (or with a signed override), purchase orders move forward by version only.',
    clauses: ['21CFR11.10(f)', '21CFR7.55'],
  },
  // Access
  {
    id: 'REQ-P11-ACCESS-01',
    text: "Only signed-in users reach the portal, and every read and write is scoped to the caller's organisation: another organisation's records answer as not found.",
    clauses: ['21CFR11.10(d)', '21CFR11.10(g)'],
  },
  {
    id: 'REQ-P11-ACCESS-02',
    text: 'Each action is offered to and allowed for the roles that hold its right only (QA records recalls, suppliers submit lots, administrators manage users); every route refuses the others.',
    clauses: ['21CFR11.10(g)'],
  },
  {
    id: 'REQ-P11-SESSION-01',
    text: 'A session ends after the configured inactivity (15 minutes by default, audited), at an absolute ceiling however active, and when its user is disabled; only the SHA-256 of its secret is stored.',
    clauses: ['21CFR11.10(d)', '21CFR11.300'],
  },
  {
    id: 'REQ-P11-KEYS-01',
    text: 'The audit key and the secrets (AS2 private key, webhook secrets, notice-link key) are kept outside the database or sealed in it; a key that is missing or belongs to another database stops the start.',
    clauses: ['21CFR11.10(c)', '21CFR11.10(d)'],
  },
  // Identification codes, passwords and passkeys
  {
    id: 'REQ-P11-PWD-01',
    text: 'Passwords are stored only as argon2id hashes (19 MiB, 2 passes, 16-byte salt); a wrong password never verifies.',
    clauses: ['21CFR11.300'],
  },
  {
    id: 'REQ-P11-PWD-02',
    text: "Repeated failed sign-ins (passwords or passkeys) lock the account, each failure and the lock audited and shown to the manufacturer as a security alert; the right password is refused while locked; an administrator unlocks, audited.",
    clauses: ['21CFR11.300', '21CFR11.200', '21CFR11.10(d)'],
  },
  {
    id: 'REQ-P11-PWD-03',
    text: "Identification codes are managed: an invitation link sets the first password once and lapses after 72 hours; a password change ends the user's other sessions; a disabled user cannot sign in.",
    clauses: ['21CFR11.300', '21CFR11.100'],
  },
  {
    id: 'REQ-P11-PASSKEY-01',
    text: 'A passkey is enrolled only with re-authentication (current password or an existing passkey) in the same step, audited and mailed to the user; the user then signs in with it; a user reaches only their own passkeys.',
    clauses: ['21CFR11.300', '21CFR11.200', '21CFR11.100'],
  },
  // Electronic signatures
  {
    id: 'REQ-P11-ESIG-01',
    text: 'An electronic signature records the printed name of the signer, the date and time and its meaning (approval, rejection, review …), and is shown with the signed record.',
    clauses: ['21CFR11.50'],
  },
  {
    id: 'REQ-P11-ESIG-02',
    text: 'A signature is bound to the hash of the record it signs: a signature over another hash is refused, and a signature inserted, edited, deleted or renamed behind Lotbridge is named by `lotbridge audit verify`.',
    clauses: ['21CFR11.70'],
  },
  {
    id: 'REQ-P11-ESIG-03',
    text: "Every signing re-authenticates in the same act: the signer's password, or a passkey assertion whose challenge is derived from the record hash and the meaning; a blank or wrong password signs nothing, and wrong ones count towards the lockout.",
    clauses: ['21CFR11.200', '21CFR11.10(g)'],
  },
  {
    id: 'REQ-P11-ESIG-04',
    text: "A signature is unique to one person: technical users (EDI partners) have no password or passkey and cannot sign in or sign, and nobody can use or remove another user's passkey.",
    clauses: ['21CFR11.100', '21CFR11.200'],
  },
  // AS2 (RFC 4130)
  {
    id: 'REQ-AS2-01',
    text: "Inbound AS2: a signed and encrypted message from a partner is verified and decrypted, answered with a signed MDN whose MIC equals OpenSSL's digest of the signed entity, and processed once (a repeat gets the original MDN).",
    clauses: ['RFC4130', '21CFR11.10(h)'],
  },
  {
    id: 'REQ-AS2-02',
    text: 'Inbound AS2: a message altered on the way, signed by someone else or inflating past the limits gets a negative MDN, and nothing of it is kept.',
    clauses: ['RFC4130', '21CFR11.10(h)'],
  },
  {
    id: 'REQ-AS2-03',
    text: "Outbound AS2: messages are signed and encrypted so that OpenSSL decrypts and verifies them; delivery needs the partner's signed MDN with the matching MIC; an MDN signed by someone else or with the wrong MIC fails the message.",
    clauses: ['RFC4130', '21CFR11.10(h)'],
  },
  // EDIFACT
  {
    id: 'REQ-EDI-CONTRL-01',
    text: 'Every inbound EDIFACT interchange is answered with a CONTRL: accepted, or rejected naming the segment and element of a syntax fault.',
    clauses: ['ISO9735', '21CFR11.10(h)'],
  },
  {
    id: 'REQ-EDI-APERAK-01',
    text: 'A message refused by the application (unknown order, a line not on it, a message the sender may not send) is answered with an APERAK naming every problem and the segment; nothing of it is stored.',
    clauses: ['ISO9735', '21CFR11.10(h)', '21CFR11.10(g)'],
  },
  {
    id: 'REQ-EDI-SENDER-01',
    text: 'An interchange whose UNB sender is not the AS2 partner it came from is refused (CONTRL 23); nothing is recorded under that sender.',
    clauses: ['ISO9735', '21CFR11.10(h)'],
  },
  // Standard Webhooks
  {
    id: 'REQ-WH-01',
    text: 'Outbound webhooks carry webhook-id, webhook-timestamp and webhook-signature as Standard Webhooks defines them (verified by the standardwebhooks library); during a secret rotation both secrets sign.',
    clauses: ['StandardWebhooks'],
  },
  {
    id: 'REQ-WH-02',
    text: 'Inbound ERP webhooks are accepted only with a valid Standard Webhooks signature (either secret of a rotation); a replayed webhook-id is applied once.',
    clauses: ['StandardWebhooks', '21CFR11.10(h)'],
  },
  {
    id: 'REQ-WH-03',
    text: 'Failed webhook deliveries are retried on the Standard Webhooks schedule, ten attempts in all, in order per aggregate.',
    clauses: ['StandardWebhooks'],
  },
  // Recalls: 21 CFR 7
  {
    id: 'REQ-RCL-STRATEGY-01',
    text: 'The recall strategy is recorded and signed with the recall: the depth asked for, the effectiveness check level (A to E) and the share for level B, which drives the sample size.',
    clauses: ['21CFR7.42'],
  },
  {
    id: 'REQ-RCL-NOTICE-01',
    text: 'Every consignee found from the shipments gets its notice, also one added after the release; the notice identifies the product (trade name, model, UDI-DI, lots and serials with quantities), gives the reason and hazard and asks first to stop use and distribution.',
    clauses: ['21CFR7.49', 'MDCG2023-3'],
  },
  {
    id: 'REQ-RCL-FOLLOWUP-01',
    text: 'Consignees that have not replied are followed up on their own schedule, at their current contacts; escalation copies the escalation contact.',
    clauses: ['21CFR7.49'],
  },
  {
    id: 'REQ-RCL-DEPTH-01',
    text: 'A consignee passes the notice on to its customers within what it was supplied; the dashboard shows the depth reached; a revised notice reaches them too.',
    clauses: ['21CFR7.42', '21CFR7.49', 'MDCG2023-3'],
  },
  {
    id: 'REQ-RCL-EFFECT-01',
    text: 'Effectiveness checks are drawn reproducibly by level from the SHA-256 rank; each outcome is recorded signed with its contact method, kept (a new record never overwrites), and frozen once the recall closes.',
    clauses: ['21CFR7.42', '21CFR7.53', '21CFR11.10(c)'],
  },
  {
    id: 'REQ-RCL-STATUS-01',
    text: 'The recall status report carries the 21 CFR 7.53(b) figures: consignees notified and the methods actually used, responses and quantities (stock at first reply against the latest), check results and the estimated completion set by QA.',
    clauses: ['21CFR7.53'],
  },
  {
    id: 'REQ-RCL-TERM-01',
    text: 'A recall closes only when every consignee replied or got its final notice and the checks are recorded, or with a signed override reason; the 7.55 termination request package (disposition per lot, checks, final status report) is produced for manufacturer staff only.',
    clauses: ['21CFR7.55', '21CFR11.10(f)'],
  },
  // MDCG 2023-3
  {
    id: 'REQ-MDCG-FSN-01',
    text: "The Field Safety Notice states its FSN reference, type and revision, the recall's contact, the manufacturer's SRN, that the competent authority was informed (with the date), and asks for transmission to those who need to know.",
    clauses: ['MDCG2023-3'],
  },
  {
    id: 'REQ-MDCG-FSN-02',
    text: 'An FSN update is signed and supersedes: it goes to every consignee in its languages (mail, PDFs, AS2) and those the notice was passed on to; revisions are permanent and verified.',
    clauses: ['MDCG2023-3', '21CFR7.49'],
  },
  {
    id: 'REQ-MDCG-REPLY-01',
    text: "The customer reply form asks the signer's function and phone, quantities per lot or serial (corrected), whether all actions are completed and customers informed; what was answered is part of what was signed.",
    clauses: ['MDCG2023-3', '21CFR7.53', '21CFR11.70'],
  },
  // NMPA Decree 29
  {
    id: 'REQ-NMPA-01',
    text: 'A CN-NMPA recall is worded as the Decree does: 一级/二级/三级召回 and the notice titled 召回通知.',
    clauses: ['NMPA-Decree-29'],
  },
  {
    id: 'REQ-NMPA-02',
    text: "The Decree's notification limits (1, 3 or 7 days from the decision by level) are tracked; at-risk and overdue CN-NMPA recalls head QA's home list.",
    clauses: ['NMPA-Decree-29'],
  },
  {
    id: 'REQ-NMPA-03',
    text: 'The 召回事件报告表, 召回计划 and 召回总结评估报告 are produced as PDF in Chinese (and English) for manufacturer staff only, each download audited.',
    clauses: ['NMPA-Decree-29', '21CFR11.10(b)'],
  },
  // GS1 UDI, traceability, languages and time
  {
    id: 'REQ-GS1-01',
    text: 'GTINs are checked by their check digit and length; GS1 element strings of a UDI (human-readable and raw FNC1) are read into GTIN, lot, serial and dates, refusing what is not valid.',
    clauses: ['GS1-GenSpecs'],
  },
  {
    id: 'REQ-TRACE-01',
    text: 'Shipments are recorded by GTIN-14, lot and serial, and a recall resolves its consignees from them.',
    clauses: ['GS1-GenSpecs', '21CFR7.49'],
  },
  {
    id: 'REQ-I18N-01',
    text: "Notices, replies and reports are worded in the reader's language (English, 简体中文, Deutsch): the notice PDF and mail, the reply receipt and the status report.",
    clauses: ['MDCG2023-3', 'NMPA-Decree-29'],
  },
  {
    id: 'REQ-TIME-01',
    text: "Deadlines are stored in UTC, set and shown in the organisation's own time zone, named, and signed with their zone.",
    clauses: ['MDCG2023-3', '21CFR11.10(e)'],
  },
  // Supplier quality (issue 18): approved supplier list
  {
    id: 'REQ-ASL-01',
    text: "QA alone sets a supplier's approval status per item or item category (approved, conditional, disqualified, pending) with the certificates it requires, each decision signed with a reason (meaning approval) and audited with its event to the ERP; a blank reason, a wrong or blank password, a supplier and a second entry for the same scope are refused.",
    clauses: ['21CFR11.10(g)', '21CFR11.50', '21CFR11.200', '21CFR11.10(e)'],
  },
  {
    id: 'REQ-ASL-02',
    text: 'A required certificate expiring (after its last day) or rejected moves its approved supplier to conditional automatically: once however many instances run, audited as the system with the cause, mailed in each reader\'s language, announced to the ERP; a rejection downgrades in its own transaction.',
    clauses: ['21CFR11.10(e)', '21CFR11.10(f)'],
  },
  {
    id: 'REQ-ASL-03',
    text: "Lots are checked against the approved supplier list at submission: a conditional supplier's lot, or one whose required certificate is expired, unapproved or absent, is stored and flagged with the reason as data (on the lot page, in the reader's language, and under the \"flagged\" filter); a disqualified supplier's lot is refused and nothing is stored.",
    clauses: ['21CFR11.10(f)'],
  },
  {
    id: 'REQ-ASL-04',
    text: 'A purchase order from the ERP to a supplier not approved for an item raises an alert on QA\'s home list and an event back to the ERP, once per order and item; approving the supplier clears the alert.',
    clauses: ['21CFR11.10(f)'],
  },
  // Incoming inspection and release
  {
    id: 'REQ-INSP-01',
    text: "Only manufacturer QA decides a submitted lot, once: accepted, accepted with a deviation (only with its text) or rejected (only with a reason), with sample size, defects and measurements checked for sense; the decision is signed (approval or rejection), announced as lot.released / lot.rejected, and the lot's supplier (mailed in its language) sees the outcome.",
    clauses: ['21CFR11.10(f)', '21CFR11.10(g)', '21CFR11.50'],
  },
  {
    id: 'REQ-INSP-02',
    text: "Files attached to an inspection (PDF, photos, CSV; at most ten) are bound into the signed hash by their checksums, stored only when the signature succeeds, never changed or removed afterwards, and handed out byte for byte to QA and the lot's supplier only.",
    clauses: ['21CFR11.70', '21CFR11.10(c)', '21CFR11.10(d)'],
  },
  {
    id: 'REQ-SQ-PASSKEY-01',
    text: "The supplier quality decisions (the inspection, the approved supplier list, a SCAR step accepted or returned, the SCAR's verification, closing and cancelling, the scorecard weights and a validation report's approval) can be signed with a passkey: the challenge is derived from the hash of exactly that decision (its files, the SCAR and step, the record id minted with it), an assertion for a decision changed after the challenge, or for another one, is refused and nothing recorded, each assertion signs once, and only QA may start one.",
    clauses: ['21CFR11.200', '21CFR11.70', '21CFR11.10(g)'],
  },
  // SCAR (supplier corrective action request)
  {
    id: 'REQ-SCAR-01',
    text: "QA opens a SCAR signed, linked only to the supplier's own lots, certificates or recalls, with due dates per 8D step in order and a verification date after D8; the supplier answers D1 to D8; QA accepts or returns each step, verifies effectiveness on or after the verification date and closes, each decision signed.",
    clauses: ['21CFR11.10(f)', '21CFR11.50', '21CFR11.10(g)', '21CFR11.10(e)'],
  },
  {
    id: 'REQ-SCAR-02',
    text: 'Each 8D answer is checked against its step (problems as data under answer.<path>); a returned step keeps every round (the returned answer, its decision, the new answer), a step with QA or accepted is not answered again, and actions found not effective send D4 to D8 back with a new due date.',
    clauses: ['21CFR11.10(e)', '21CFR11.10(c)', '21CFR11.10(f)'],
  },
  {
    id: 'REQ-SCAR-03',
    text: "SCAR steps are reminded before and escalated after their due dates (supplier, and QA on escalation), once per step however many instances run, audited; a cancelled SCAR (signed) gets no more reminders and takes no answers.",
    clauses: ['21CFR11.10(f)', '21CFR11.10(e)'],
  },
  {
    id: 'REQ-SCAR-04',
    text: "A supplier never sees another supplier's SCAR (not found for the page, answers and evidence; absent from lists and home counts); only QA opens and decides, only the supplier answers, the administrator reads, a distributor sees nothing.",
    clauses: ['21CFR11.10(d)', '21CFR11.10(g)'],
  },
  // Scorecards
  {
    id: 'REQ-SCORE-01',
    text: 'Scorecards count each measure exactly, with its numerator and denominator, per month and quarter (on-time delivery, lot acceptance, certificate compliance in days, invoice first-pass accuracy, SCAR responsiveness); the score is the weighted mean, QA sees every supplier ranked and exports the figures as CSV.',
    clauses: ['21CFR11.10(a)', '21CFR11.10(b)'],
  },
  {
    id: 'REQ-SCORE-02',
    text: "A supplier reads only its own scorecard (another's does not exist for it) and cannot rank; a distributor reads none.",
    clauses: ['21CFR11.10(d)', '21CFR11.10(g)'],
  },
  {
    id: 'REQ-SCORE-03',
    text: 'Only QA sets the scorecard weights, signed with a reason; out-of-range or all-zero weights, a wrong password, a supplier and the administrator are refused; the score and ranking follow, and the history and audit trail keep every setting.',
    clauses: ['21CFR11.10(g)', '21CFR11.50', '21CFR11.200', '21CFR11.10(e)'],
  },
  // REST API: supplier quality
  {
    id: 'REQ-API-SQ-01',
    text: "The REST API answers a supplier's own approved supplier list entries (Lotbridge's downgrades with their reason as data) and its lots' release state and inspection outcome (without who signed); another supplier's records are not found; a key without the scope is refused (403), a revoked, expired or missing key too (401).",
    clauses: ['21CFR11.10(d)', '21CFR11.10(g)'],
  },
  {
    id: 'REQ-API-SCAR-01',
    text: "The REST API lists and answers only the caller's own SCARs; a step answer is kept as a round, audited under the key, announced as scar.step_submitted, with every problem at once and nothing stored when refused; a retry with the same Idempotency-Key gets the first answer; evidence is kept with its SHA-256; scopes and keys are checked before anything is stored.",
    clauses: ['21CFR11.10(d)', '21CFR11.10(g)', '21CFR11.10(e)', '21CFR11.10(f)'],
  },
  // The validation package (issue 19)
  {
    id: 'REQ-VAL-01',
    text: '`lotbridge validate` checks the installation (IQ) and the records (PQ) on the database and writes report.json and report.pdf with their SHA-256, the PDF listing every clause; a removed protective trigger, an edited migration and a signed record altered in the database file each fail the report with the finding that names it.',
    clauses: ['21CFR11.10(a)', '21CFR11.10(c)', '21CFR11.70'],
  },
  {
    id: 'REQ-VAL-02',
    text: "QA of the manufacturer uploads a validation report; the server checks its format and both SHA-256 sums, keeps both files, and it is signed with meaning approval (a failed report only with the deviation stated), audited and listed; a wrong password, a second upload of the same report, other roles and other organisations are refused, nothing stored.",
    clauses: ['21CFR11.10(a)', '21CFR11.50', '21CFR11.10(g)', '21CFR11.10(c)'],
  },
  {
    id: 'REQ-VAL-03',
    text: "The server checks itself nightly (the IQ and PQ checks), once across instances; a failing or throwing check raises an alert on the administrator's and QA's home in their language, and a later passing run clears it.",
    clauses: ['21CFR11.10(a)'],
  },
  {
    id: 'REQ-VAL-04',
    text: 'Requirements are traced to tests: each requirement names its clauses, a clause no requirement covers is a gap with its reason, CI fails when a requirement has no tagged test or a tagged test disappears, and a failed tagged test fails its requirement and every clause it serves in the report.',
    clauses: ['21CFR11.10(a)'],
  },
  {
    id: 'REQ-VAL-05',
    text: "`lotbridge validate --test-results` takes the OQ results of an earlier run (CI's) only when they are tied to the installed commit: the run's record beside them names the commit tested, whether its tree was modified, the exit code and the SHA-256 of the results; results of another commit or a modified tree, results changed after the run, results without that record, a failed run and a partial run that leaves a requirement without a result each fail OQ with the finding that names it.",
    clauses: ['21CFR11.10(a)'],
  },
];
