/** A job as the worker holds it after claiming. */
export interface ClaimedJob {
  id: number;
  type: string;
  payload: unknown;
  priority: number;
  /** This attempt's number, starting at 1. */
  attempts: number;
  max_attempts: number;
  serial_key: string | null;
}
