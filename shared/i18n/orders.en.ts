/** English messages of purchase orders: answering an order (spread into en.ts; zh-CN and de have the same keys). */
export const ordersEn = {
  'orders.problem.unknownPurchaseOrder': 'Not one of your purchase orders: {po}.',
  'orders.problem.orderClosed': 'Purchase order {po} is closed or cancelled: it cannot be answered any more.',
  'orders.problem.badStatus': 'Answer with accepted, changed or rejected, not “{value}”.',
  'orders.problem.noLines': 'Answer at least one line of the order.',
  'orders.problem.unknownPoLine': 'Line {line} is not a line of purchase order {po}.',
  'orders.problem.lineRepeated': 'Line {line} is answered twice.',
  'orders.problem.gtinNotOnLine': 'GTIN {gtin} is not the one ordered on line {line} of purchase order {po} ({ordered}).',
  'orders.problem.badQuantity': 'Enter the quantity you will deliver as a number, such as 150 (not “{value}”).',
  'orders.problem.badDate': 'Enter the delivery date as YYYY-MM-DD (not “{value}”).',
  'orders.problem.changeNeedsValue': 'A changed line {line} needs the quantity you will deliver or the date.',
  'orders.problem.noteTooLong': 'The note is too long: at most {max} characters.',
  'orders.problem.duplicateResponse': 'Response {number} was recorded before ({receivedAt}): a new answer needs a new number.',
} as const;
