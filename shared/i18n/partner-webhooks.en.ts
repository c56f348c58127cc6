/** English messages of partners' own webhook endpoints (REST API, spread into en.ts). */
export const partnerWebhooksEn = {
  'partnerWebhooks.problem.httpsRequired': 'Enter an https:// URL: events are sent to your endpoint over TLS only.',
  'partnerWebhooks.problem.notSubscribable': 'Your organisation cannot subscribe to “{type}”. Choose one of the event types listed by GET /webhooks/event-types.',
};
