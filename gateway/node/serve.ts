import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { installAppContext } from '../../shared/context.ts';
import { seedDemo, seedWholeDemo } from '../../shared/demo/seed-demo.ts';
import { demoSignIns } from '../../shared/demo/demo-sign-ins.ts';
import { configureDefaultEndpoint } from '../../shared/webhooks/configure-default-endpoint.ts';
import { ensureAs2Identity } from '../../shared/edi/identity/ensure-as2-identity.ts';
import { createBackgroundWork } from '../../shared/scheduling/background-work.ts';
import { ensureBuild } from './ensure-build.ts';
import { openApp } from './open-app.ts';
import { buildDir, migrationsDir, rootDir } from './paths.ts';
import { readCommit, readMigrationSources } from '../../shared/validation/read-installation.ts';
import { nightlyChecks } from '../../shared/validation/self-checks.ts';
import { getRequestListener } from '@hono/node-server';
import { createGateway, isGatewayPath } from '../app.ts';
import { requestIdFrom } from '../../shared/metrics.ts';
import { createLimitedServer } from './request-limits.ts';
import { effectiveRequest, isTrustedProxy } from './forwarded.ts';

const protocolHeader = 'x-lotbridge-protocol';
// The client's address as SvelteKit's getClientAddress() gives it: the peer, or (TRUST_PROXY) the proxy's X-Forwarded-For.
const clientAddressHeader = 'x-lotbridge-client-address';
// "1" when a trusted proxy forwarded the request, so its Host is the proxy's (portal-origin.ts); never the client's to send.
const viaProxyHeader = 'x-lotbridge-via-proxy';

type NodeHandler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;

/**
 * The Node entry: one process, one port. SvelteKit (adapter-node) serves every request;
 * its `handle` hook passes the gateway's paths to the Hono app, the same arrangement that
 * runs on Cloudflare Workers.
 */
export async function serve(options: { port?: number; say?: (line: string) => void } = {}): Promise<{ url: string; close(): Promise<void> }> {
  const say = options.say ?? ((line: string) => console.log(line));
  const app = await openApp();
  const { config, log } = app;
  // Set once listening: a failure after that (e.g. seeding the demo) closes it, or the process would hang.
  let listening: { close(): unknown; closeAllConnections(): void } | undefined;
  try {
    if (app.migrationsApplied.length) say(`Applied migrations: ${app.migrationsApplied.join(', ')}`);
    if (config.erp.webhookUrl && config.erp.webhookSecret) {
      const outcome = await configureDefaultEndpoint(app, { url: config.erp.webhookUrl.href, secret: config.erp.webhookSecret });
      if (outcome !== 'unchanged') say(`ERP webhook endpoint ${outcome}: ${config.erp.webhookUrl.href}`);
    }
    // Our AS2 key pair and certificate: made once, on the first start (partners need the certificate).
    const identity = await ensureAs2Identity(app, { type: 'system', name: 'Lotbridge start-up' }, { as2Id: config.as2.id });
    if (identity.created) say(`Created the AS2 identity of ${config.as2.id} (certificate: npx lotbridge as2 identity --cert-out FILE)`);
    await ensureBuild(say);

    installAppContext(app);
    // adapter-node reads its settings with our prefix (svelte.config.js), so PORT/HOST stay ours.
    // Without an ORIGIN it assumes https unless a protocol header says otherwise, so this
    // plain-HTTP server states its own protocol on every request (overwriting any sent).
    if (config.publicUrl) process.env.SVELTEKIT_ORIGIN = config.publicUrl.origin;
    else process.env.SVELTEKIT_PROTOCOL_HEADER = protocolHeader;
    process.env.SVELTEKIT_ADDRESS_HEADER = clientAddressHeader;
    // The portal takes uploads up to UPLOAD_MAX_MB (plus the form's other fields); adapter-node's
    // own default (512 KB) would refuse a certificate PDF before our check can explain why.
    process.env.SVELTEKIT_BODY_SIZE_LIMIT ??= String(config.uploads.maxBytes + 1024 * 1024);
    const { handler } = (await import(pathToFileURL(join(buildDir, 'handler.js')).href)) as { handler: NodeHandler };

    // Machine paths go straight to the Hono gateway: no SvelteKit body limit or form-origin
    // check stands between a partner system and /as2, /api, /erp. (The portal's handle hook
    // forwards them too, for `vite dev` and Workers.)
    const gateway = getRequestListener(createGateway(() => app).fetch);
    // Every door gets the request limits (HEADERS_TIMEOUT_SECONDS, BODY_MIN_RATE_KB, MAX_CONNECTIONS_PER_SOURCE…).
    const trust = { trustProxy: config.trustProxy, trustedProxies: config.trustedProxies };
    const limits = {
      log,
      // Behind a trusted proxy every client arrives on the proxy's connections (from this
      // machine, a private network or TRUSTED_PROXIES): those are not capped, the proxy limits its clients.
      uncapped: config.trustProxy ? (address: string) => isTrustedProxy(trust, address) : undefined,
    };
    const { server } = createLimitedServer(config.http, (req, res) => {
      const requestId = requestIdFrom(req.headers['x-request-id'] as string | undefined);
      req.headers['x-request-id'] = requestId;
      if (isGatewayPath(new URL(req.url ?? '/', 'http://x').pathname)) return gateway(req, res);
      // Behind a TLS-terminating proxy (TRUST_PROXY=true, a loopback/private peer or one in
      // TRUSTED_PROXIES) the browser's scheme and host are the proxy's to tell; otherwise
      // forwarded headers are ignored and this server is plain HTTP (forwarded.ts).
      const request = effectiveRequest(trust, req.socket.remoteAddress, req.headers);
      req.headers[protocolHeader] = request.proto;
      if (request.host) req.headers.host = request.host;
      req.headers[clientAddressHeader] = request.client;
      if (request.viaProxy) req.headers[viaProxyHeader] = '1';
      else delete req.headers[viaProxyHeader];
      // Static files are answered before SvelteKit's hooks run: they get the id here.
      res.setHeader('X-Request-Id', requestId);
      handler(req, res, () => {
        res.statusCode = 404;
        res.end('Not found');
      });
    }, limits);
    const port = options.port ?? config.port;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, config.host, () => resolve());
    });
    listening = server;
    const address = server.address();
    const actualPort = typeof address === 'object' && address ? address.port : port;
    const url = config.publicUrl?.origin ?? `http://localhost:${actualPort}`;
    // The demo, on an empty database only (and never by default where PUBLIC_URL is published:
    // shared/config.ts). Seeded before the schedulers start, so its mails and reminders are theirs.
    const seeded =
      config.seedDemo === 'all' ? await seedWholeDemo(app, { uploads: config.uploads, portalUrl: url }) : config.seedDemo === 'users' ? await seedDemo(app) : false;

    // Every background worker (shared/scheduling/background-work.ts), leased in the database so
    // that several instances can share it; stopped before the database closes.
    // The nightly self-check compares the database with the migrations shipped beside it (and their SHA256SUMS).
    const { files, sha256Sums } = readMigrationSources(migrationsDir);
    const selfChecks = nightlyChecks({ migrations: files, sha256Sums, commit: readCommit(rootDir) }, config);
    const background = createBackgroundWork(app, { portalUrl: url, selfChecks });
    background.start();
    // Only scheme, host and path: a libsql URL may carry credentials or ?authToken=.
    log.info('listening', { url, port: actualPort, database: config.databaseUrl.replace(/\/\/[^@/]*@/, '//').replace(/\?.*$/, '') });
    // Start-up ends with what a newcomer needs: the address and, with the demo, its sign-ins.
    say('');
    say(`Lotbridge is listening on ${url}`);
    if (config.seedDemo) for (const line of demoSignIns(seeded)) say(line);

    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Requests still running get a few seconds; then the sockets are cut.
        setTimeout(() => server.closeAllConnections(), 5000).unref();
      })
        .then(async () => {
          await background.stop();
        })
        .finally(() => app.db.close()));
    return { url, close };
  } catch (e) {
    listening?.close();
    listening?.closeAllConnections();
    app.db.close();
    throw e;
  }
}
