import type { GoneReason } from './classifySendError.js';

/** Why a delivery failed for good; stored as `broadcast_deliveries.failure_reason`. */
export type FailureReason =
  | GoneReason
  | 'blocked' | 'user_deactivated'
  /** Transient failures on every attempt. */
  | 'retries_exhausted'
  /** Telegram refused the message itself. */
  | 'rejected'
  /** Its send job died with the delivery unsettled (settleDeadDeliveries.ts). */
  | 'send_job_died'
  /** Nothing moved for too long; the broadcast was given up (settleDeadDeliveries.ts). */
  | 'stalled'
  /** The user was banned while the broadcast ran (failDeliveriesToBanned.ts). */
  | 'banned';

const KNOWN: ReadonlySet<string> = new Set<FailureReason>([
  'bot_kicked', 'not_member', 'chat_not_found', 'chat_deleted', 'blocked', 'user_deactivated',
  'retries_exhausted', 'rejected', 'send_job_died', 'stalled', 'banned',
]);

/**
 * The message naming a stored reason. The column is text, so a row may hold a reason this
 * version does not know (written by a newer or an older release): it reads as "another reason"
 * instead of a missing message.
 */
export function failureReasonKey(reason: string): `reason_${FailureReason}` | 'reason_other' {
  return KNOWN.has(reason) ? `reason_${reason as FailureReason}` : 'reason_other';
}
