/**
 * One measured subject of a scenario: a system under test or a reference, with its numbers.
 * Value keys carry their unit as a suffix (`p99_ms`, `jobs_per_s`, `rss_mb`), so the JSON line
 * is self-describing and the table can format it.
 */
export interface ResultRow {
  subject: string;
  values: Record<string, number>;
}

/** A performance goal (BENCHMARKS.md, Goals), checked against a measured value. */
export interface GoalCheck {
  /** What is checked, e.g. `p99 at 1,000 updates/s`. */
  goal: string;
  measured: number;
  op: '<=' | '>=';
  target: number;
  unit: string;
  met: boolean;
}

/** Everything a scenario reports. */
export interface ScenarioResult {
  scenario: string;
  rows: ResultRow[];
  goals: GoalCheck[];
  /** How it was measured, in a sentence or two each (also printed under the table). */
  notes: string[];
}

/** Builds a {@link GoalCheck}. */
export function checkGoal(goal: string, measured: number, op: '<=' | '>=', target: number, unit: string): GoalCheck {
  const met = Number.isFinite(measured) && (op === '<=' ? measured <= target : measured >= target);
  return { goal, measured, op, target, unit, met };
}

/** A scenario: one file under bench/scenarios, run in its own fresh database. */
export interface Scenario {
  name: string;
  title: string;
  run(context: ScenarioContext): Promise<ScenarioResult>;
}

/** What the runner hands each scenario. */
export interface ScenarioContext {
  /** `BENCH_DATABASE_URL`: the server (each scenario creates its own database on it). */
  serverUrl: string;
  /** Progress for the person watching, on stderr; the results go to stdout. */
  progress(message: string): void;
}
