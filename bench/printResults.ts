import type { GoalCheck, ResultRow, ScenarioResult } from './scenarioResult.js';

/** Unit suffixes of value keys, longest first, and how they print. */
const UNITS: [suffix: string, unit: string][] = [
  ['_per_s', '/s'],
  ['_ms', ' ms'],
  ['_mb', ' MB'],
  ['_kb', ' KB'],
  ['_x', '×'],
];

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100 || Number.isInteger(value)) return String(Math.round(value));
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** `p99_ms: 4.2` → `p99 4.20 ms`; keys without a unit suffix are counts. */
export function formatValue(key: string, value: number): string {
  for (const [suffix, unit] of UNITS) {
    if (key.endsWith(suffix)) return `${key.slice(0, -suffix.length).replace(/_/g, ' ')} ${formatNumber(value)}${unit}`;
  }
  return `${key.replace(/_/g, ' ')} ${formatNumber(value)}`;
}

function formatRow(row: ResultRow): string {
  return Object.entries(row.values).map(([k, v]) => formatValue(k, v)).join(' · ');
}

function formatGoal(g: GoalCheck): string {
  const unit = g.unit === 'x' ? '×' : ` ${g.unit}`;
  return `${formatNumber(g.measured)}${unit} (goal ${g.op} ${formatNumber(g.target)}${unit})`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/**
 * The report: one Markdown table of every measurement (pasted as is into BENCHMARKS.md), one
 * of the goals, the notes on method, then one JSON line per scenario for scripts
 * (`npm run bench | grep '^{'`).
 */
export function formatResults(results: readonly ScenarioResult[]): string {
  const measurements = table(
    ['scenario', 'subject', 'result'],
    results.flatMap((r) => r.rows.map((row) => [r.scenario, row.subject, formatRow(row)])),
  );
  const goals = table(
    ['scenario', 'goal', 'measured', 'met'],
    results.flatMap((r) => r.goals.map((g) => [r.scenario, g.goal, formatGoal(g), g.met ? 'yes' : '**no**'])),
  );
  const notes = results.flatMap((r) => r.notes.map((n) => `- ${r.scenario}: ${n}`));
  const json = results.map((r) => JSON.stringify(r));
  return [measurements, '', goals, '', ...notes, '', ...json, ''].join('\n');
}
