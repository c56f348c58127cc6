import { describe, expect, it } from 'vitest';
import { roles } from '../auth/actor.ts';
import { certificateRecordHash, type Certificate } from './certificate.ts';
import type { CertificateState } from './kinds.ts';
import { certificateListPermissions, certificatePermissions, decideCertificates, decisionConflict, submitCertificates } from './certificate-permissions.ts';

function version(state: CertificateState): Certificate {
  const c: Certificate = {
    id: 'c1',
    seriesId: 's1',
    version: 1,
    supplier: { organisationId: 'org-s', name: 'Supplier', erpId: null },
    type: 'iso13485',
    number: 'CERT-1',
    issuer: 'Notified Body',
    scope: 'Infusion sets',
    covers: { gtins: [], lots: [] },
    validFrom: '2026-01-01',
    validTo: '2027-01-01',
    file: { id: 'f1', name: 'c.pdf', sha256: 'a'.repeat(64), sizeBytes: 10, storageKey: 'k' },
    recordHash: '',
    state,
    stateReason: null,
    submittedBy: { id: 'u1', name: 'Sam' },
    submittedAt: '2026-01-02T00:00:00.000Z',
    decidedAt: null,
    decidedBy: null,
  };
  return { ...c, recordHash: certificateRecordHash(c) };
}

describe('certificate permissions', () => {
  it('offers the upload to a supplier user only, as submitCertificate requires', () => {
    for (const role of roles) {
      expect(certificateListPermissions({ role }), role).toEqual({ upload: role === 'supplier_user' });
      expect(submitCertificates.allows({ role }), role).toBe(role === 'supplier_user');
    }
  });

  it('offers the decision to QA only, on a submitted version whose content still has its record hash', () => {
    for (const role of roles) {
      expect(certificatePermissions({ role }, version('submitted')), role).toEqual({ decide: role === 'manufacturer_qa', uploadVersion: role === 'supplier_user' });
      expect(decideCertificates.allows({ role }), role).toBe(role === 'manufacturer_qa');
    }
    for (const state of ['approved', 'rejected', 'superseded'] as const) {
      expect(certificatePermissions({ role: 'manufacturer_qa' }, version(state)).decide, state).toBe(false);
      expect(decisionConflict(version(state))?.code, state).toBe('conflict');
    }
    const altered = { ...version('submitted'), scope: 'edited behind the record hash' };
    expect(certificatePermissions({ role: 'manufacturer_qa' }, altered).decide).toBe(false);
    expect(decisionConflict(altered)?.message).toMatch(/record hash/);
    expect(decisionConflict(version('submitted'))).toBeNull();
  });
});
