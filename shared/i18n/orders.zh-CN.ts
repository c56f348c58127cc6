/** 采购订单的中文文本：答复订单（展开到 zh-CN.ts；键与 en 相同）。 */
export const ordersZhCN = {
  'orders.problem.unknownPurchaseOrder': '不是您的采购订单：{po}。',
  'orders.problem.orderClosed': '采购订单 {po} 已关闭或取消，不能再答复。',
  'orders.problem.badStatus': '请以“接受”、“变更”或“拒绝”答复，而不是“{value}”。',
  'orders.problem.noLines': '请至少答复订单的一行。',
  'orders.problem.unknownPoLine': '第 {line} 行不是采购订单 {po} 的行。',
  'orders.problem.lineRepeated': '第 {line} 行被答复了两次。',
  'orders.problem.gtinNotOnLine': 'GTIN {gtin} 不是采购订单 {po} 第 {line} 行订购的 GTIN（{ordered}）。',
  'orders.problem.badQuantity': '请以数字填写您将交付的数量，例如 150（而不是“{value}”）。',
  'orders.problem.badDate': '请以 YYYY-MM-DD 格式填写交货日期（而不是“{value}”）。',
  'orders.problem.changeNeedsValue': '变更的第 {line} 行需要填写您将交付的数量或日期。',
  'orders.problem.noteTooLong': '备注过长：最多 {max} 个字符。',
  'orders.problem.duplicateResponse': '答复 {number} 之前已记录（{receivedAt}）：新的答复需要新的编号。',
} as const;
