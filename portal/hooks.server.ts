import { type Handle, type HandleServerError, type ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { createGateway, isGatewayPath } from '$gateway/app.ts';
import { sessionCookieName, validateSessionToken } from '$shared/auth/session.ts';
import { negotiateLocale } from '$shared/i18n/index.ts';
import { httpMetrics, requestIdFrom } from '$shared/metrics.ts';
import { appContext, ensureAppContext } from '$lib/server/app-context.ts';
import { deleteSessionCookie, setSessionCookie } from '$lib/server/session-cookie.ts';
import { redactPath } from '$lib/server/redact.ts';

export const init: ServerInit = async () => {
  await ensureAppContext();
};

const gateway = createGateway(appContext);

/** Gateway paths (/healthz, /metrics, /as2, /api/, /erp/) go to the Hono app untouched. */
const toGateway: Handle = async ({ event, resolve }) => {
  if (isGatewayPath(event.url.pathname)) return gateway.fetch(event.request);
  return resolve(event);
};

/** Request id, JSON access log and metrics for the portal's own requests. */
const observe: Handle = async ({ event, resolve }) => {
  const started = performance.now();
  const app = appContext();
  event.locals.app = app;
  event.locals.requestId = requestIdFrom(event.request.headers.get('x-request-id'));
  event.locals.log = app.log.child({ requestId: event.locals.requestId });
  event.locals.ctx = { db: app.db, clock: app.clock, policy: app.policy, files: app.files, requestId: event.locals.requestId };
  const response = await resolve(event);
  response.headers.set('X-Request-Id', event.locals.requestId);
  const seconds = (performance.now() - started) / 1000;
  const route = event.route.id ?? 'unmatched';
  httpMetrics().observe(route, event.request.method, response.status, seconds);
  // Answered requests at debug, refused or failed ones (4xx, 5xx) at info: the default log keeps the refusals.
  event.locals.log[response.status >= 400 ? 'info' : 'debug']('request', { method: event.request.method, path: redactPath(event.url.pathname), route, status: response.status, ms: Math.round(seconds * 1000) });
  return response;
};

/**
 * Headers for every portal answer (the page CSP comes from `kit.csp` in svelte.config.js):
 * no sniffing, no framing, no Referer to any other site (notice tokens live in URLs), and
 * HSTS when the browser reached us over HTTPS, also through a TLS-terminating proxy
 * (TRUST_PROXY). `same-origin` rather than `no-referrer`: under `no-referrer` browsers send
 * `Origin: null` with form posts, which the CSRF origin check must refuse.
 */
const securityHeaders: Handle = async ({ event, resolve }) => {
  const response = await resolve(event);
  const set = (name: string, value: string) => {
    try {
      if (!response.headers.has(name)) response.headers.set(name, value);
    } catch {
      // an immutable Response (a proxied fetch): left as it is
    }
  };
  set('X-Content-Type-Options', 'nosniff');
  set('Referrer-Policy', 'same-origin');
  set('X-Frame-Options', 'DENY');
  if (event.url.protocol === 'https:') set('Strict-Transport-Security', 'max-age=31536000');
  return response;
};

/**
 * SvelteKit's own origin check covers form posts only; the portal's JSON endpoints (passkey
 * ceremonies) need it too. Every state-changing request must come from this very origin.
 */
const sameOrigin: Handle = async ({ event, resolve }) => {
  const method = event.request.method;
  if (method !== 'GET' && method !== 'HEAD' && event.request.headers.get('origin') !== event.url.origin) {
    return new Response('Cross-site requests are refused.', { status: 403, headers: { 'content-type': 'text/plain' } });
  }
  return resolve(event);
};

/** The language: the saved choice, else the browser's; written into <html lang>. */
const locale: Handle = async ({ event, resolve }) => {
  event.locals.locale = negotiateLocale(event.cookies.get('lang'), event.request.headers.get('accept-language'));
  return resolve(event, { transformPageChunk: ({ html }) => html.replace('%lotbridge.lang%', event.locals.locale) });
};

/** The session from the cookie; a valid one slides on, an ended one is cleared. */
const session: Handle = async ({ event, resolve }) => {
  event.locals.actor = null;
  event.locals.session = null;
  event.locals.administersUsers = false;
  const token = event.cookies.get(sessionCookieName);
  if (token) {
    const valid = await validateSessionToken(event.locals.app.db, event.locals.app.clock, event.locals.app.policy, token);
    if (valid) {
      event.locals.actor = valid.actor;
      event.locals.session = valid.session;
      event.locals.administersUsers = valid.administersUsers;
      setSessionCookie(event.cookies, event.url, token, valid.session, event.locals.app.policy);
    } else {
      deleteSessionCookie(event.cookies, event.url);
      event.locals.sessionEnded = true;
    }
  }
  return resolve(event);
};

// A recall notice opens from its signed e-mail link without an account (and leads to one);
// an invitee sets the first password from their one-time link; a consignee's customer opens the
// notice passed on to it from its own link (/onward, no account).
const publicPaths = ['/login', '/lang', '/notices', '/invite', '/onward'];

/** Everything but sign-in, the language switch and notice links needs a session. */
const guard: Handle = async ({ event, resolve }) => {
  const open = publicPaths.some((p) => event.url.pathname === p || event.url.pathname.startsWith(p + '/'));
  if (!open && !event.locals.actor && event.route.id) {
    const to = event.url.pathname + event.url.search;
    const params = new URLSearchParams(to === '/' ? {} : { redirectTo: to });
    if (event.locals.sessionEnded) params.set('ended', '1');
    // Returned, not thrown, so the outer handles still log, count and tag the response.
    return new Response(null, { status: 303, headers: { location: `/login${params.size ? `?${params}` : ''}` } });
  }
  const response = await resolve(event);
  // Signed-in pages carry personal and regulated data: never cache them.
  if (event.locals.actor) response.headers.set('Cache-Control', 'private, no-store');
  return response;
};

export const handle = sequence(toGateway, observe, securityHeaders, sameOrigin, locale, session, guard);

export const handleError: HandleServerError = ({ error, event, status, message }) => {
  if (status >= 500) event.locals.log?.error('unhandled error', { err: error, path: redactPath(event.url.pathname) });
  return { message: status >= 500 ? 'Internal error' : message, requestId: event.locals.requestId };
};
