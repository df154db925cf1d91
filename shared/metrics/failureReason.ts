/**
 * A short, stable reason for a failed job, for the `job_error` metric's label: the error's name
 * with Telegram's error code (`GrammyError_502`) or a driver's or system's code
 * (`PostgresError_40P01`, `Error_ECONNRESET`), taken from the error's `cause` when the error
 * only wraps it (a PermanentJobError around Telegram's refusal). Never the message: messages
 * hold ids and texts, and each distinct label is a row per minute.
 */
export function failureReason(err: Error): string {
  const inner = err.name === 'PermanentJobError' && err.cause instanceof Error ? err.cause : err;
  const { error_code: errorCode, code } = inner as { error_code?: unknown; code?: unknown };
  const suffix = typeof errorCode === 'number' ? `_${errorCode}` : typeof code === 'string' && /^\w{1,32}$/.test(code) ? `_${code}` : '';
  return `${inner.name.replace(/\W/g, '').slice(0, 40) || 'Error'}${suffix}`;
}
