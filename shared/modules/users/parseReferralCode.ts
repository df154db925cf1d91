/**
 * The referral code in a `/start` payload, or `null` when the payload is not one (empty, or
 * some other deep link). Codes are 10 lowercase hex digits (see the users migration).
 */
export function parseReferralCode(payload: string): string | null {
  const code = payload.trim();
  return /^[0-9a-f]{10}$/.test(code) ? code : null;
}
