import type { Cookies } from '@sveltejs/kit';
import { cookieExpiry, sessionCookieName, type Session } from '$shared/auth/session.ts';
import type { SecurityPolicy } from '$shared/auth/policy.ts';

/** HttpOnly, SameSite=Lax, Secure whenever the portal is reached over HTTPS. */
export function setSessionCookie(cookies: Cookies, url: URL, token: string, session: Session, policy: SecurityPolicy): void {
  cookies.set(sessionCookieName, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: url.protocol === 'https:',
    expires: cookieExpiry(session, policy),
  });
}

export function deleteSessionCookie(cookies: Cookies, url: URL): void {
  cookies.delete(sessionCookieName, { path: '/', httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:' });
}
