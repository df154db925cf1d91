import * as z from 'zod';
import { defineJob } from '../../queue/defineJob.js';
import { JobPriority } from '../../queue/priority.js';
import { alertRules } from './alertRules.js';

const level = z.enum(['ok', 'warning', 'critical']);

/**
 * Tells one admin that a rule changed level. Enqueued in the transaction that records the
 * change (checkAlerts.ts), so the message exists exactly when the change does, and retried on
 * its own. Ahead of everything else in the queue: a queue thousands deep is what it may report.
 */
export const alertNotifyJob = defineJob(
  'alert_notify',
  z.object({
    chatId: z.number().int().positive(),
    rule: z.enum(alertRules),
    level,
    previous: level,
    /** The measured value; null when too few events were left to measure. */
    value: z.number().nullable(),
    warning: z.number(),
    critical: z.number(),
  }),
  { priority: JobPriority.monitoring, maxAttempts: 5, logFields: (p) => ({ rule: p.rule, level: p.level, chat_id: p.chatId }) },
);
