// The Worker's test settings, shared by vitest.config.ts (its bindings) and the tests.
export const erpSecret = 'whsec_' + btoa('lotbridge workers test inbound secret!');
