/** How long one system took to drain a seeded backlog. */
export interface DrainResult {
  jobs: number;
  /** From the first handler call to the moment the queue's table held no live job. */
  elapsedMs: number;
  jobsPerSecond: number;
}

/** Jobs per second from a count and a duration. */
export function drainResult(jobs: number, elapsedMs: number): DrainResult {
  return { jobs, elapsedMs, jobsPerSecond: (jobs * 1000) / elapsedMs };
}
