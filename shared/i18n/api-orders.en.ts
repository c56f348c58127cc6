/** English messages of what the partner REST API adds to purchase orders and invoices (spread into en.ts; zh-CN and de have the same keys). */
export const apiOrdersEn = {
  'orders.source.api': 'through the REST API ({number})',
  'orders.problem.linesOnlyWithChange': 'Give lines only with the answer “change”; “accept” and “reject” answer every line of the order.',
} as const;
