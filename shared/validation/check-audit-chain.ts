import type { Db } from '../db/index.ts';
import { verifyAuditChain } from '../audit/verify-audit-chain.ts';
import { verifySignatures } from '../signatures/verify-signatures.ts';
import { checkResult, finding } from './check.ts';
import type { Finding, ValidationCheck } from './report.ts';

/**
 * PQ `pq.audit_chain`: what `lotbridge audit verify` checks of the trail: the hash chain and
 * every MAC with the keys outside the database, then every signature against the audit entry
 * that recorded it.
 */
export async function checkAuditChain(db: Db): Promise<ValidationCheck> {
  const findings: Finding[] = [];
  const facts: ValidationCheck['facts'] = {};
  const chain = await verifyAuditChain(db);
  facts.entries = chain.entries;
  if (chain.ok) facts.headHash = chain.headHash;
  else findings.push(finding('audit_chain_broken', { seq: chain.firstBrokenSeq, problem: chain.code }));
  const signatures = await verifySignatures(db);
  facts.signatures = signatures.checked;
  for (const p of signatures.problems) findings.push(finding('signature_broken', { signature: p.signatureId, record: `${p.entityType} ${p.entityId}`, problem: p.code }));
  return checkResult('pq.audit_chain', 'PQ', facts, findings);
}
