import type { partnerWebhooksEn } from './partner-webhooks.en.ts';

/** Deutsche Texte zu den eigenen Webhook-Endpunkten der Partner (REST-API, in de.ts zusammengeführt). */
export const partnerWebhooksDe: Record<keyof typeof partnerWebhooksEn, string> = {
  'partnerWebhooks.problem.httpsRequired': 'Geben Sie eine https://-URL ein: Ereignisse werden nur über TLS an Ihren Endpunkt gesendet.',
  'partnerWebhooks.problem.notSubscribable': 'Ihre Organisation kann „{type}“ nicht abonnieren. Wählen Sie einen der Ereignistypen, die GET /webhooks/event-types nennt.',
};
