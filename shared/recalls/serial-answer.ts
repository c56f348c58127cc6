/**
 * A serial-tracked line of a recall reply answered per serial: which of the serials shipped are
 * on hand, quarantined (of those on hand), returned, destroyed, corrected. No Node module: the
 * reply page loads it in the browser.
 */
export const serialDispositions = ['onHand', 'quarantined', 'returned', 'destroyed', 'corrected'] as const;
export type SerialAnswer = Record<(typeof serialDispositions)[number], string[]>;
