import { translate, type Locale, type MessageKey } from '../i18n/index.ts';
import type { RecallStatusReport, StatusRow } from './recall-status-report.ts';
import { notificationMethodsText } from './notification-methods.ts';
import { noticeChannels } from './issue-notices.ts';

/**
 * A cell as RFC 4180 wants it (quoted when it holds a comma, quote or line break; quotes
 * doubled), and safe to open in a spreadsheet: text starting with = + - @ (or a tab or carriage
 * return) would be run as a formula, so it gets a leading apostrophe (OWASP CSV injection).
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const line = (cells: (string | number | null | undefined)[]) => cells.map(csvCell).join(',');

const columns = [
  'consignee',
  'erpId',
  'recipients',
  'noticeSentAt',
  'delivery',
  'firstOpenedAt',
  'acknowledgedAt',
  'version',
  'holdsStock',
  'quarantineConfirmedAt',
  'followUpLevel',
  'gtin',
  'lot',
  'shipped',
  'received',
  'onHand',
  'quarantined',
  'returned',
  'destroyed',
  'distributed',
  'accountedFor',
  'effectiveness',
] as const;

/** After the columns above: stock at receipt (the first reply) and the units corrected. */
const stockColumns = ['receivedAtFirstReply', 'onHandAtFirstReply', 'corrected'] as const;

/**
 * The status report as CSV for a spreadsheet: a header block of the 21 CFR 7.53(b) figures as
 * `# key,value` comment lines (stable English keys, for scripts too), then one row per consignee
 * and lot with the column names in the reader's language. UTF-8 with a byte order mark so
 * Excel reads Chinese names correctly; CRLF line ends.
 */
export function recallReportCsv(report: RecallStatusReport, locale: Locale): string {
  const t = (key: MessageKey, params?: Record<string, string | number>) => translate(locale, key, params);
  const { figures: f, dashboard: d } = report;
  const summary: [string, string | number | null][] = [
    ['recall_number', d.recall.recallNumber],
    ['as_of', d.asOf],
    ['state', d.recall.state],
    ['severity', d.recall.severity],
    ['issued_at', d.recall.issuedAt],
    ['consignees', f.notified.consignees],
    ['notified', f.notified.count],
    ['notified_on', f.notified.date],
    ['notification_method', notificationMethodsText(locale, f.notified.methods)],
    ...noticeChannels.map((ch): [string, number] => [`notified_by_${ch}`, f.notified.methods.find((m) => m.channel === ch)?.consignees ?? 0]),
    ['without_address', f.notified.withoutAddress],
    ['delivered', f.notified.delivered],
    ['bounced', f.notified.bounced],
    ['kept_in_outbox', f.notified.kept],
    ['responding', f.responding.count],
    ['on_hand', f.responding.onHand],
    ['quarantined', f.responding.quarantined],
    ['no_stock', f.responding.noStock],
    ['first_reply_received', f.stock.firstReceived],
    ['first_reply_on_hand', f.stock.firstOnHand],
    ['latest_reply_received', f.stock.latestReceived],
    ['latest_reply_on_hand', f.stock.latestOnHand],
    ['not_responding', f.notResponding.count],
    ['overdue', f.notResponding.overdue],
    ...(f.notResponding.names ? [['non_responders', f.notResponding.names.join('; ')] as [string, string]] : []),
    ['shipped', f.accounted.shipped],
    ['accounted_for', f.accounted.accountedFor],
    ['returned', f.accounted.returned],
    ['destroyed', f.accounted.destroyed],
    ['distributed', f.accounted.distributed],
    ['corrected', f.accounted.corrected],
    ['effectiveness_level', f.effectiveness.level],
    ['effectiveness_sample_size', f.effectiveness.sampleSize],
    ['effectiveness_drawn', f.effectiveness.drawn],
    ['effectiveness_checked', f.effectiveness.checked],
    ['effectiveness_effective', f.effectiveness.effective],
    ['effectiveness_ineffective', f.effectiveness.ineffective],
    ['estimated_completion_on', f.completion.estimatedOn],
    ['all_responded_by', f.completion.allRespondedBy],
    ['completion_status', f.completion.status],
  ];
  const yesNo = (v: boolean | null) => (v === null ? '' : v ? t('recallReport.yes') : t('recallReport.no'));
  const cells = (r: StatusRow): Record<(typeof columns)[number], string | number | null> => ({
    consignee: r.consignee,
    erpId: r.erpId,
    recipients: r.recipients.join('; '),
    noticeSentAt: r.noticeSentAt,
    delivery: t(`recallDashboard.delivery.${r.delivery}`),
    firstOpenedAt: r.firstOpenedAt,
    acknowledgedAt: r.acknowledgedAt,
    version: r.version,
    holdsStock: yesNo(r.holdsStock),
    quarantineConfirmedAt: r.quarantineConfirmedAt,
    followUpLevel: r.followUpLevel,
    gtin: r.gtin,
    lot: r.lot,
    shipped: r.shipped,
    received: r.received,
    onHand: r.onHand,
    quarantined: r.quarantined,
    returned: r.returned,
    destroyed: r.destroyed,
    distributed: r.distributed,
    accountedFor: r.accountedFor,
    effectiveness: r.effectivenessOutcome ? t(`effectiveness.outcome.${r.effectivenessOutcome}`) : '',
  });
  const out = [
    ...summary.map(([k, v]) => `# ${line([k, v])}`),
    line([...columns.map((c) => t(`recallReport.csv.${c}`)), ...stockColumns.map((c) => t(`recallClosing.csv.${c}`))]),
    ...report.rows.map((r) => {
      const c = cells(r);
      return line([...columns.map((k) => c[k]), ...stockColumns.map((k) => r[k])]);
    }),
  ];
  return `\uFEFF${out.join('\r\n')}\r\n`;
}
