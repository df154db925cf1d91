import { invalidParameter } from './graphErrors.js';

/** The `fields` parameter as a list ("a,b" → ['a', 'b']); `fallback` when absent. */
export function requestedFields(params: Record<string, unknown>, fallback: string[]): string[] {
  const raw = params.fields;
  if (typeof raw !== 'string' || raw.trim() === '') return fallback;
  return raw.split(',').map((field) => field.trim()).filter((field) => field !== '');
}

/**
 * The node with the requested fields (plus `id`, which Graph always returns), failing like
 * Graph for a field the node type does not have. A field whose value is undefined is left
 * out, as Graph omits empty fields (a Page without Instagram has no instagram_business_account).
 */
export function pickFields(id: string, nodeType: string, fields: string[], available: Record<string, () => unknown>): Record<string, unknown> {
  const node: Record<string, unknown> = {};
  for (const field of fields) {
    if (field === 'id') continue;
    const read = available[field];
    if (read === undefined) throw invalidParameter(`Tried accessing nonexisting field (${field}) on node type (${nodeType})`);
    const value = read();
    if (value !== undefined) node[field] = value;
  }
  node.id = id;
  return node;
}

/** Graph's timestamp format, e.g. 2026-01-05T09:30:00+0000. */
export function graphTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}
