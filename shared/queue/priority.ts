/**
 * Job priorities: lower runs first. Interactive work (a person is waiting, or Telegram is: a
 * pre-checkout query must be answered within 10 seconds) always overtakes bulk work, which can
 * be thousands of jobs deep after one broadcast.
 */
export const JobPriority = {
  /** The alert check and its messages: a few jobs a minute, ahead of any backlog they may report. */
  monitoring: -10,
  interactive: 0,
  /** Updates nobody is staring at: join requests, membership changes. */
  background: 20,
  default: 50,
  bulk: 100,
} as const;
