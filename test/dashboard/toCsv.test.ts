import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toCsv } from '../../shared/dashboard/toCsv.js';

test('CSV export: quotes what needs quoting, ISO dates, JSON objects, and defuses spreadsheet formulas', () => {
  const csv = toCsv([{ key: 'a', label: 'A' }, { key: 'b', label: 'B, quoted' }], [
    { a: 'plain', b: 'has "quotes", comma\nand newline' },
    { a: new Date('2026-12-02T10:00:00Z'), b: { x: 1 } },
    { a: '=HYPERLINK("http://evil")', b: '@SUM(1)' },
    { a: -5, b: '-12.5' },
    { a: null, b: undefined },
  ]);
  assert.equal(csv, [
    'A,"B, quoted"',
    'plain,"has ""quotes"", comma\nand newline"',
    '2026-12-02T10:00:00.000Z,"{""x"":1}"',
    `"'=HYPERLINK(""http://evil"")",'@SUM(1)`,
    '-5,-12.5',
    ',',
    '',
  ].join('\r\n'));
});
