import type { Queryable } from '../../db/Queryable.js';
import { type AlertLevel, type AlertRule, alertRules } from './alertRules.js';

/** A rule as the last check left it. */
export interface AlertState {
  rule: AlertRule;
  level: AlertLevel;
  /** The value measured when the level last changed (null: too few events then). */
  value: number | null;
  changedAt: Date | null;
  checkedAt: Date | null;
}

/**
 * Every rule's current level, in the rules' order, for the dashboard: a rule no check has seen
 * yet is `ok` with no dates.
 */
export async function readAlertStates(sql: Queryable): Promise<AlertState[]> {
  const rows = await sql<{ rule: AlertRule; level: AlertLevel; value: number | null; changed_at: Date; checked_at: Date }[]>`
    select rule, level, value, changed_at, checked_at from alert_states`;
  const byRule = new Map(rows.map((r) => [r.rule, r]));
  return alertRules.map((rule) => {
    const r = byRule.get(rule);
    return { rule, level: r?.level ?? 'ok', value: r?.value ?? null, changedAt: r?.changed_at ?? null, checkedAt: r?.checked_at ?? null };
  });
}
