/**
 * CSV text of 2-D points, parsed in the worker. The library's `parseCsv` uses csv-parse, which
 * needs Node's `Buffer` when loaded, so the page reads the simple form itself: one point per
 * line, comma / semicolon / tab / space separated, an optional header line, `#` comments. Errors
 * name the file, line and column.
 */
export function parsePoints(text: string, source: string): Float32Array {
  const out: number[] = [];
  let first = true;
  text.split(/\r\n|\n|\r/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const cells = line.split(/\s*[,;\t]\s*|\s+/);
    const header = first && cells.every((c) => Number.isNaN(Number.parseFloat(c)));
    first = false;
    if (header) return;
    if (cells.length !== 2)
      throw new Error(`${source}: line ${i + 1} has ${cells.length} columns, expected 2`);
    cells.forEach((c, k) => {
      const v = c === '' ? Number.NaN : Number(c);
      if (!Number.isFinite(v)) {
        throw new Error(
          `${source}: line ${i + 1}, column ${k + 1} is '${c}'; every value must be a finite number`,
        );
      }
      out.push(v);
    });
  });
  if (out.length === 0) throw new Error(`${source}: no data rows`);
  return Float32Array.from(out);
}
