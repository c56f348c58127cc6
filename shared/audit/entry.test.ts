import { describe, expect, it } from 'vitest';
import { canonicalJson, entryHash, genesisHash, type AuditRow } from './entry.ts';

const row: Omit<AuditRow, 'hash' | 'mac' | 'mac_key'> = {
  seq: 1,
  at: '2026-03-02T09:00:00.000Z',
  actor_type: 'user',
  actor_id: 'usr_a',
  actor_name: 'Ada',
  organisation_id: 'org_a',
  action: 'user.created',
  entity_type: 'user',
  entity_id: 'usr_b',
  old_values: null,
  new_values: '{"email":"b@example.com"}',
  reason: null,
  request_id: null,
  prev_hash: genesisHash,
};

describe('canonicalJson', () => {
  it('sorts keys at every depth so equal values encode to equal bytes', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });

  it('drops undefined members and keeps null ones', () => {
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
  });
});

describe('entryHash', () => {
  it('is the SHA-256 of the canonical entry, stable across runs', () => {
    expect(entryHash(row)).toMatch(/^[0-9a-f]{64}$/);
    expect(entryHash({ ...row })).toBe(entryHash(row));
  });

  it('changes when any recorded column changes', () => {
    const base = entryHash(row);
    for (const change of [{ seq: 2 }, { at: '2026-03-02T09:00:00.001Z' }, { actor_name: 'Eve' }, { new_values: '{}' }, { prev_hash: '1'.repeat(64) }, { reason: 'x' }]) {
      expect(entryHash({ ...row, ...change })).not.toBe(base);
    }
  });
});
