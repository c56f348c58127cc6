/**
 * The deepest level a notice is passed on to (the consignee is level 1): a pass-on mail goes out
 * in the manufacturer's name, so the chain of links that can send one is kept short.
 */
export const maxOnwardLevel = 4;

/** Who a consignee passes its notice on to (recall_onward_notices.customer_type). */
export const customerTypes = ['hospital', 'pharmacy', 'clinic', 'distributor', 'other'] as const;
export type CustomerType = (typeof customerTypes)[number];

/** What kind of consignee an organisation is for recalls (organisations.consignee_type). */
export const consigneeTypes = ['distributor', 'healthcare_facility', 'pharmacy'] as const;
export type ConsigneeType = (typeof consigneeTypes)[number];

/** The depth of a recall, 21 CFR 7.42(b)(1): (iii) wholesale, (ii) retail, (i) consumer or user level. */
export const recallDepths = ['wholesale', 'retail', 'user'] as const;
export type RecallDepth = (typeof recallDepths)[number];

export const isCustomerType = (v: unknown): v is CustomerType => (customerTypes as readonly unknown[]).includes(v);
export const isConsigneeType = (v: unknown): v is ConsigneeType => (consigneeTypes as readonly unknown[]).includes(v);
export const isRecallDepth = (v: unknown): v is RecallDepth => (recallDepths as readonly unknown[]).includes(v);

/** A hospital or clinic uses the devices (user level, NMPA 使用单位); it passes a notice on only when it says so. */
export const isUserLevelCustomer = (t: string): boolean => t === 'hospital' || t === 'clinic';

/** The depth an organisation of this type is reached at: a hospital or clinic at user level, a pharmacy at retail, anyone else wholesale. */
export function depthOf(type: string): RecallDepth {
  if (type === 'hospital' || type === 'clinic' || type === 'healthcare_facility') return 'user';
  if (type === 'pharmacy') return 'retail';
  return 'wholesale';
}

/** The deeper of two depths (user is deepest). */
export const deeper = (a: RecallDepth | null, b: RecallDepth): RecallDepth => (a && recallDepths.indexOf(a) >= recallDepths.indexOf(b) ? a : b);

/** Whether the depth reached covers the depth asked for. */
export const depthCovers = (reached: RecallDepth | null, asked: RecallDepth): boolean => !!reached && recallDepths.indexOf(reached) >= recallDepths.indexOf(asked);
