/** A rule's two thresholds: above `warning` it warns, above `critical` it is critical. */
export interface AlertThreshold {
  warning: number;
  critical: number;
}

/**
 * The alert rules' thresholds (seed 004 §10.2) and how much data a rate needs. Parsed from the
 * environment by parseAlertSettings.ts; every one has the seed's default.
 */
export interface AlertSettings {
  /** Failed job attempts, % of attempts over the window. Default 1 / 5. */
  errorRatePercent: AlertThreshold;
  /** DM reply time p95 over the window, ms. Default 2,000 / 5,000. */
  replyP95Ms: AlertThreshold;
  /** Jobs runnable now. Default 1,000 / 5,000. */
  queueLength: AlertThreshold;
  /** InstaPost posts that failed in the last hour. Default 10 / 50. */
  failedPostsPerHour: AlertThreshold;
  /** Failed payments, % of payments in the last hour. Default 5 / 15. */
  paymentFailurePercent: AlertThreshold;
  /** The window of the error rate and the reply time, minutes. Default 5. */
  windowMinutes: number;
  /** Attempts (error rate) or replies (p95) a window needs before its rate means anything. Default 20. */
  minEvents: number;
  /** Payments an hour needs before its failure rate means anything. Default 5. */
  minPayments: number;
}

/** The seed's thresholds. */
export const defaultAlertSettings: AlertSettings = {
  errorRatePercent: { warning: 1, critical: 5 },
  replyP95Ms: { warning: 2000, critical: 5000 },
  queueLength: { warning: 1000, critical: 5000 },
  failedPostsPerHour: { warning: 10, critical: 50 },
  paymentFailurePercent: { warning: 5, critical: 15 },
  windowMinutes: 5,
  minEvents: 20,
  minPayments: 5,
};
