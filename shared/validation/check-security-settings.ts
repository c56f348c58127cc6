import type { Config } from '../config.ts';
import { minPasswordLength } from '../auth/password.ts';
import { checkResult, finding } from './check.ts';
import type { Finding, ValidationCheck } from './report.ts';

/**
 * The limits the README's security section promises at most (21 CFR 11.300, 11.10(d)): beyond
 * them a setting in force is a finding. The defaults (15 min, 12 h, 5 attempts) are well within.
 */
export const securityLimits = {
  inactivityMinutes: 30,
  sessionMaxHours: 24,
  lockoutThreshold: 10,
  minPasswordLength: 12,
} as const;

const isLoopback = (host: string) => host === 'localhost' || host === '[::1]' || /^127\./.test(host);

/**
 * IQ `iq.security`: the security settings in force (session lifetime, lockout, password
 * policy, cookies, keys at rest), each against its limit. `keysInstalled`: the keys kept
 * outside the database are installed on it (key_checks names the current key).
 */
export function checkSecuritySettings(config: Pick<Config, 'policy' | 'publicUrl' | 'trustProxy'>, keys: { keysInstalled: boolean; currentKeyId: string | null }): ValidationCheck {
  const findings: Finding[] = [];
  const inactivityMinutes = config.policy.inactivityMs / 60_000;
  const sessionMaxHours = config.policy.sessionMaxMs / 3_600_000;
  const lockoutMinutes = config.policy.lockoutMs / 60_000;
  const too = (setting: string, value: number, limit: number) => findings.push(finding('setting_too_weak', { setting, value, limit }));
  if (inactivityMinutes > securityLimits.inactivityMinutes) too('SESSION_INACTIVITY_MINUTES', inactivityMinutes, securityLimits.inactivityMinutes);
  if (sessionMaxHours > securityLimits.sessionMaxHours) too('SESSION_MAX_HOURS', sessionMaxHours, securityLimits.sessionMaxHours);
  if (config.policy.lockoutThreshold > securityLimits.lockoutThreshold) too('LOCKOUT_THRESHOLD', config.policy.lockoutThreshold, securityLimits.lockoutThreshold);
  if (minPasswordLength < securityLimits.minPasswordLength) too('minPasswordLength', minPasswordLength, securityLimits.minPasswordLength);
  // Cookies are Secure whenever the portal is reached over https (portal/lib/server/session-cookie.ts).
  const url = config.publicUrl;
  const secureCookies = !url ? 'per_request' : url.protocol === 'https:' ? 'always' : 'never';
  if (url && url.protocol === 'http:' && !isLoopback(url.hostname)) findings.push(finding('cookies_not_secure', { publicUrl: url.origin }));
  if (!keys.keysInstalled) findings.push(finding('keys_not_installed'));
  return checkResult(
    'iq.security',
    'IQ',
    {
      inactivityMinutes,
      sessionMaxHours,
      lockoutThreshold: config.policy.lockoutThreshold,
      lockoutMinutes,
      minPasswordLength,
      passwordHash: 'argon2id',
      secureCookies,
      trustProxy: config.trustProxy,
      keysAtRest: keys.keysInstalled,
      currentKeyId: keys.currentKeyId ?? '',
    },
    findings,
  );
}
