// Who may do what with recalls, once for the pages (the `permissions` of listRecalls,
// getRecallOverview and getEffectivenessChecks) and the use cases that refuse.
import type { Actor } from '../auth/actor.ts';
import { permission } from '../auth/permission.ts';

/** Manufacturer QA records a recall (createRecall). */
export const createRecalls = permission('manufacturer_qa');

/** Manufacturer QA reviews a recall and sends its notices (addConsignee, sendRecallNotices). */
export const actOnRecalls = permission('manufacturer_qa');

/** Manufacturer QA reminds, sends the notice again to, or escalates an open recall's consignees (remindConsignees, resendRecallNotices, escalateConsignees). */
export const followUpConsignees = permission('manufacturer_qa');

/** Manufacturer QA closes an open recall, with a signature (closeRecall). */
export const closeRecalls = permission('manufacturer_qa');

/** Manufacturer QA draws the effectiveness sample and records its checks (drawEffectivenessChecks, recordEffectivenessCheck). */
export const checkEffectiveness = permission('manufacturer_qa');

/** What the recalls page offers the actor. */
export function recallListPermissions(actor: Pick<Actor, 'role'>): { create: boolean } {
  return { create: createRecalls.allows(actor) };
}

/**
 * What a recall's page offers the actor now: acting on it while it is under review, closing it
 * while it is open, adding a consignee to either (once open, it gets its notice at once); none of
 * these on a recall with records altered since they were recorded. Chasing
 * an open recall's consignees (followUp) goes on even then: it signs nothing, and stopping it
 * would leave affected devices in use.
 */
export function recallPermissions(actor: Pick<Actor, 'role'>, state: string, altered: boolean): { act: boolean; add: boolean; close: boolean; followUp: boolean } {
  return {
    act: actOnRecalls.allows(actor) && !altered && state === 'received',
    add: actOnRecalls.allows(actor) && !altered && (state === 'received' || state === 'open'),
    close: closeRecalls.allows(actor) && !altered && state === 'open',
    followUp: followUpConsignees.allows(actor) && state === 'open',
  };
}

/** What a recall's effectiveness page offers the actor: drawing the sample and recording checks. */
export function effectivenessPermissions(actor: Pick<Actor, 'role'>): { record: boolean } {
  return { record: checkEffectiveness.allows(actor) };
}

/** A distributor's user (or its system, through an API key) reports its stock of the affected lots (reportRecallStock). */
export const reportRecallStock = permission('distributor_user');
