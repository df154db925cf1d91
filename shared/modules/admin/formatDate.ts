/** A date as admins read it in lists and cards: the UTC day, `2025-01-15`. */
export function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
