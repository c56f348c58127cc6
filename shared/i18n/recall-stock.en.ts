/** A distributor's stock report from its own system (REST API), as the reply page shows it (merged in en.ts). */
export const recallStockEn = {
  'recallStock.reported': 'Your system reported this stock on {reportedAt} (report {version}): “On hand now” and “Quarantined” below start from it. Check every figure before you sign.',
} as const;
