import { checkResult, finding } from './check.ts';
import type { Finding, ValidationCheck } from './report.ts';

type Version = [number, number, number];

function parseVersion(v: string): Version | null {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : null;
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** One comparator of an npm range ("^20.19", ">=22.12", "20.x", "20.19.1"). */
function satisfiesOne(v: Version, comparator: string): boolean {
  const m = /^(\^|~|>=|<=|>|<|=)?\s*v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?$/.exec(comparator.trim());
  if (!m) return false;
  const [, op = '=', major, minor, patch] = m;
  const wild = (p: string | undefined) => p === undefined || p === 'x' || p === '*';
  const base: Version = [Number(major), wild(minor) ? 0 : Number(minor), wild(patch) ? 0 : Number(patch)];
  const c = compare(v, base);
  switch (op) {
    case '>=': return c >= 0;
    case '>': return c > 0;
    case '<=': return c <= 0;
    case '<': return c < 0;
    case '^': return c >= 0 && (base[0] > 0 ? v[0] === base[0] : v[1] === base[1]);
    case '~': return c >= 0 && v[0] === base[0] && v[1] === base[1];
    default:
      if (wild(minor)) return v[0] === base[0];
      if (wild(patch)) return v[0] === base[0] && v[1] === base[1];
      return c === 0;
  }
}

/** Whether `version` satisfies an engines range: alternatives joined by "||", each a space-separated set of comparators. */
export function satisfiesRange(version: string, range: string): boolean {
  const v = parseVersion(version);
  if (!v) return false;
  return range.split('||').some((alt) => alt.trim().split(/\s+/).filter(Boolean).every((c) => satisfiesOne(v, c)));
}

/** What the installation holds, read by the caller (Node: package.json, package-lock.json, node_modules). */
export interface RuntimeFacts {
  nodeVersion: string;
  /** package.json "engines.node". */
  enginesNode: string;
  /** package.json dependencies and devDependencies (names). */
  direct: string[];
  /** package-lock.json "packages": path ("node_modules/x", "node_modules/a/node_modules/b") → version, optional. */
  locked: Record<string, { version?: string; optional?: boolean }>;
  /** The version found installed at each locked path (undefined: not installed). */
  installed: Record<string, string | undefined>;
}

/**
 * IQ `iq.runtime`: the Node version satisfies package.json's engines, and every package the
 * lockfile pins is installed at its locked version (an optional one for another platform may be
 * absent; a direct dependency never).
 */
export function checkRuntime(r: RuntimeFacts): ValidationCheck {
  const findings: Finding[] = [];
  if (!satisfiesRange(r.nodeVersion, r.enginesNode)) findings.push(finding('node_version', { version: r.nodeVersion, required: r.enginesNode }));
  let matched = 0;
  let absentOptional = 0;
  let locked = 0;
  const direct = new Set(r.direct.map((n) => `node_modules/${n}`));
  for (const [path, lock] of Object.entries(r.locked)) {
    if (!path.startsWith('node_modules/') || !lock.version) continue;
    locked++;
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const found = r.installed[path];
    if (found === undefined) {
      if (lock.optional && !direct.has(path)) absentOptional++;
      else findings.push(finding('dependency_missing', { package: name, locked: lock.version }));
    } else if (found !== lock.version) findings.push(finding('dependency_version', { package: name, locked: lock.version, installed: found }));
    else matched++;
  }
  for (const path of direct) if (!(path in r.locked)) findings.push(finding('dependency_not_locked', { package: path.slice('node_modules/'.length) }));
  return checkResult('iq.runtime', 'IQ', { node: r.nodeVersion, engines: r.enginesNode, lockedPackages: locked, matching: matched, optionalAbsent: absentOptional }, findings);
}
