// The regulation clauses the validation package traces to (issue 19). A clause no requirement of
// shared/validation/requirements.ts covers must say why (`gap`); the trace check enforces it.
import type { Clause } from './trace.ts';

export const clauses: Clause[] = [
  { id: '21CFR11.10(a)', title: '21 CFR 11.10(a) Validation of systems: accuracy, reliability, consistent intended performance, and the ability to discern invalid or altered records' },
  { id: '21CFR11.10(b)', title: '21 CFR 11.10(b) Accurate and complete copies of records in human readable and electronic form' },
  { id: '21CFR11.10(c)', title: '21 CFR 11.10(c) Protection of records to enable their accurate and ready retrieval throughout the retention period' },
  { id: '21CFR11.10(d)', title: '21 CFR 11.10(d) Limiting system access to authorized individuals' },
  { id: '21CFR11.10(e)', title: '21 CFR 11.10(e) Secure, computer-generated, time-stamped audit trails of operator entries and actions; changes do not obscure previous values' },
  { id: '21CFR11.10(f)', title: '21 CFR 11.10(f) Operational system checks to enforce permitted sequencing of steps and events' },
  { id: '21CFR11.10(g)', title: '21 CFR 11.10(g) Authority checks: only authorized individuals use the system, sign, alter records or perform operations' },
  { id: '21CFR11.10(h)', title: '21 CFR 11.10(h) Device checks to determine the validity of the source of data input or operational instruction' },
  {
    id: '21CFR11.10(i)',
    title: '21 CFR 11.10(i) Persons who develop, maintain or use the system have the education, training and experience for their tasks',
    gap: "Training and qualification records of the people who use and administer Lotbridge are the customer's (its training procedure); the software cannot establish them.",
  },
  {
    id: '21CFR11.10(j)',
    title: '21 CFR 11.10(j) Written policies holding individuals accountable for actions initiated under their electronic signatures',
    gap: "The written policy that holds signers accountable is the customer's own procedure; Lotbridge shows the signing statement at each signature but cannot write or enforce the policy.",
  },
  {
    id: '21CFR11.10(k)',
    title: '21 CFR 11.10(k) Controls over systems documentation: distribution, access, use, revision and change control',
    gap: "Control of the customer's copies of the system documentation (distribution, access, revision) is the customer's document control; Lotbridge's own documentation is versioned with its code in git, which is not a behaviour a test can prove.",
  },
  { id: '21CFR11.50', title: '21 CFR 11.50 Signature manifestations: printed name of the signer, date and time, and meaning of the signature' },
  { id: '21CFR11.70', title: '21 CFR 11.70 Signature/record linking: signatures cannot be excised, copied or otherwise transferred to falsify a record' },
  {
    id: '21CFR11.100',
    title: '21 CFR 11.100 General requirements for electronic signatures: unique to one individual, not reused or reassigned; identity verified',
    note: "11.100(b) (verifying a person's identity before giving them an account) and 11.100(c) (the certification letter to the FDA) are the customer's.",
  },
  {
    id: '21CFR11.200',
    title: '21 CFR 11.200 Electronic signature components and controls: two distinct identification components; used only by their genuine owners',
    note: '11.200(b) (biometric signatures) does not apply: a passkey is verified as a key pair, whatever unlocks it on the device.',
  },
  {
    id: '21CFR11.300',
    title: '21 CFR 11.300 Controls for identification codes and passwords: uniqueness, revision, loss management, safeguards against unauthorized use, device testing',
    note: "11.300(b) periodic revision of passwords and 11.300(e) periodic testing of devices (a person's passkey authenticators) are the customer's procedures where it requires them.",
  },
  { id: '21CFR7.42', title: '21 CFR 7.42 Recall strategy: depth of recall, public warning, effectiveness checks (levels A to E)' },
  { id: '21CFR7.49', title: '21 CFR 7.49 Recall communications: every consignee told, product identified, reason and hazard, instructions, follow-up' },
  { id: '21CFR7.53', title: '21 CFR 7.53 Recall status reports: consignees notified and how, responses and quantities, checks, estimated completion' },
  { id: '21CFR7.55', title: '21 CFR 7.55 Termination of a recall: all reasonable efforts made, the product removed or corrected' },
  { id: 'MDCG2023-3', title: 'MDCG 2023-3 Field Safety Notices: content, reference and revisions, customer reply, transmission, the reader\'s language' },
  { id: 'NMPA-Decree-29', title: 'NMPA Decree No. 29 (医疗器械召回管理办法): recall levels, notification time limits, 召回事件报告表, 召回计划, 召回总结评估报告' },
  { id: 'RFC4130', title: 'RFC 4130 AS2: S/MIME signing and encryption over HTTP, signed MDN receipts with MIC (non-repudiation of receipt)' },
  { id: 'ISO9735', title: 'UN/EDIFACT (ISO 9735) syntax and service reports: CONTRL for every interchange, APERAK for application errors' },
  { id: 'StandardWebhooks', title: 'Standard Webhooks: webhook-id, webhook-timestamp and webhook-signature (HMAC-SHA256), secret rotation, retry schedule' },
  { id: 'GS1-GenSpecs', title: 'GS1 General Specifications: GTIN check digit and Application Identifier element strings of the UDI' },
];
