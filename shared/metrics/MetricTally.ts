/** One aggregated metric row, as `metric_minutes` adds it up. */
export interface MetricCount {
  metric: string;
  label: string;
  /** Events (or samples of a gauge). */
  count: number;
  /** Sum of the values (0 for plain counters). */
  sum: number;
  /** The largest value, or null for plain counters. */
  max: number | null;
}

/**
 * Counts held in memory until a statement the worker sends anyway writes them (the completion
 * or failure of a job): recording costs a map update, never a commit.
 */
export class MetricTally {
  private readonly rows = new Map<string, MetricCount>();

  /** Counts one event, or one sample of `value`. */
  add(metric: string, label = '', value?: number): void {
    const key = `${metric}\u0000${label}`;
    let row = this.rows.get(key);
    if (!row) this.rows.set(key, (row = { metric, label, count: 0, sum: 0, max: null }));
    row.count += 1;
    if (value !== undefined) {
      row.sum += value;
      row.max = row.max === null ? value : Math.max(row.max, value);
    }
  }

  get size(): number {
    return this.rows.size;
  }

  /** What was counted, without clearing it. */
  entries(): MetricCount[] {
    return [...this.rows.values()].map((r) => ({ ...r }));
  }

  /** Takes what was counted and starts again; {@link restore} puts it back when writing failed. */
  drain(): MetricCount[] {
    const rows = [...this.rows.values()];
    this.rows.clear();
    return rows;
  }

  /** Adds rows back (a write that failed). */
  restore(rows: readonly MetricCount[]): void {
    for (const r of rows) {
      const key = `${r.metric}\u0000${r.label}`;
      const row = this.rows.get(key);
      if (!row) { this.rows.set(key, { ...r }); continue; }
      row.count += r.count;
      row.sum += r.sum;
      row.max = r.max === null ? row.max : row.max === null ? r.max : Math.max(row.max, r.max);
    }
  }
}
