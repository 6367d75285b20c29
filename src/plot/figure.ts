/** A plotly figure spec: traces, layout and config, as plotly.js takes them. Plain JSON. */
export interface Figure {
  data: Record<string, unknown>[];
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
  /** Animation frames (plotly `frames`). */
  frames?: Record<string, unknown>[];
}
