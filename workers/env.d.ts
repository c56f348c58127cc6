// The Worker's bindings (wrangler.toml) and its main module: `env` and `exports` in workers/ and in
// cloudflare:test / cloudflare:workers for tests/workers. Variables and secrets are read as strings.
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import('./index.ts');
    durableNamespaces: 'Lotbridge';
  }
  interface Env {
    /** The Durable Object that is the database and runs the app. */
    LOTBRIDGE: DurableObjectNamespace<import('./index.ts').Lotbridge>;
    /** Static assets: the portal's client files and the PDF fonts. */
    ASSETS: Fetcher;
    /** Files: certificate PDFs, AS2 bodies and payloads, EDI bytes. */
    FILES: R2Bucket;
    /** Cloudflare's send_email binding, when MAIL_TRANSPORT=send_email ([[send_email]] in wrangler.toml). */
    SEND_EMAIL?: SendEmail;
    /** How soon after a write request the object runs a background pass (seconds; default 1). */
    BACKGROUND_DELAY_SECONDS?: string;
    /** The keys kept outside the database (a secret: base64, newest first, comma-separated). */
    LOTBRIDGE_KEY: string;
  }
}
