/** English texts of the header's supplier quality group (issue 18; spread into en.ts; zh-CN and de have the same keys). */
export const navQualityEn = {
  'navQuality.group': 'Supplier quality',
  'navQuality.groupSupplier': 'Quality',
  'navQuality.approvals': 'Approved suppliers',
  'navQuality.ownApprovals': 'Our approvals',
  'navQuality.scars': 'Corrective actions (SCAR)',
  'navQuality.scorecards': 'Scorecards',
  'navQuality.ownScorecard': 'Our scorecard',
} as const;
