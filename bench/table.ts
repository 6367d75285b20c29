import Table from 'cli-table3';

/**
 * Formats a benchmark table with cli-table3: a header row, then the rows; columns whose header
 * is listed in `left` are left-aligned, the rest (numbers) right-aligned. Plain text, no
 * colours, so the output can be pasted into the README as is.
 */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  left: readonly string[] = [],
): string {
  const table = new Table({
    head: [...header],
    colAligns: header.map((h) => (left.includes(h) ? 'left' : 'right')),
    style: { head: [], border: [], compact: true, 'padding-left': 1, 'padding-right': 1 },
  });
  for (const r of rows) table.push([...r]);
  return table.toString();
}
