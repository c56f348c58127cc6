// The Worker's test settings, shared by vitest.config.ts (its bindings) and the tests.
export const erpSecret = 'whsec_' + btoa('lotbridge workers test inbound secret!');

/** Variables and secrets of the Worker under test, beside wrangler.toml's [vars]. */
export const workerTestVars = {
  DEMO_SEED: 'users',
  ERP_INBOUND_SECRET: erpSecret,
  LOG_LEVEL: 'warn',
  MAIL_TRANSPORT: 'http',
  MAIL_API_URL: 'https://mail-api.test/emails',
  MAIL_API_TOKEN: 'workers-test-mail-token',
  // The alarm a write request sets must not fire by itself on a slow machine: the tests run it.
  BACKGROUND_DELAY_SECONDS: '600',
};
