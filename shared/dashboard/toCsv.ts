/** A column of a table view: its key in the row and its heading. */
export interface Column {
  key: string;
  label: string;
}

/**
 * RFC 4180 CSV of `rows` in `columns`' order, with CRLF line ends. Dates are ISO 8601, objects
 * JSON. A cell that a spreadsheet would run as a formula (=, +, -, @, tab, CR at its start) is
 * prefixed with `'`: a username or a job error is text someone else wrote (OWASP's CSV injection).
 */
export function toCsv(columns: readonly Column[], rows: readonly Record<string, unknown>[]): string {
  const cell = (value: unknown): string => {
    let text = value === null || value === undefined ? ''
      : value instanceof Date ? value.toISOString()
        : typeof value === 'object' ? JSON.stringify(value) : String(value);
    if (/^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [columns.map((c) => cell(c.label)).join(','), ...rows.map((r) => columns.map((c) => cell(r[c.key])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
