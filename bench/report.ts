// Rows of the result table: one metric of one scenario, ours against its floor, with the
// target (if any) checked on the ratio.
export type Target = { kind: "min" | "max" | "equal"; ratio: number };

export type ResultRow = {
  scenario: string;
  metric: string;
  ours: number | null;
  floor: number | null;
  ratio: number | null;
  target: string;
  pass: boolean | null;
  note?: string;
};

export function row(
  scenario: string,
  metric: string,
  ours: number | null,
  floor: number | null,
  target?: Target,
  note?: string,
): ResultRow {
  // A floor at or below zero, or ours below zero (memory deltas within RSS noise), gives no
  // meaningful ratio, and no pass: a negative ratio would pass an upper bound on noise.
  const ratio = ours !== null && floor !== null && floor > 0 && ours >= 0 ? ours / floor : null;
  let pass: boolean | null = null;
  let text = "";
  if (target) {
    if (target.kind === "equal") {
      text = `= ${target.ratio}`;
      // Rounded: a count from which an estimate (safety polls) has been taken off.
      pass = ours === null ? null : Math.round(ours) === target.ratio;
    } else {
      text = `${target.kind === "min" ? "≥" : "≤"} ${target.ratio}×`;
      pass = ratio === null ? null : target.kind === "min" ? ratio >= target.ratio : ratio <= target.ratio;
    }
  }
  return { scenario, metric, ours, floor, ratio, target: text, pass, ...(note ? { note } : {}) };
}

export function skipped(scenario: string, why: string): ResultRow {
  return { scenario, metric: "skipped", ours: null, floor: null, ratio: null, target: "", pass: null, note: why };
}

function fmt(value: number | null): string {
  if (value === null || Number.isNaN(value)) return "–";
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString("en-US");
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** Two decimals, or three where two would round a miss onto its target (0.797 is not 0.80). */
function ratioText(r: ResultRow): string {
  const text = (r.ratio as number).toFixed(2);
  const bound = Number(/([\d.]+)×/.exec(r.target)?.[1]);
  const looksMet = r.target.startsWith("≥") ? Number(text) >= bound : Number(text) <= bound;
  return r.pass === false && looksMet ? (r.ratio as number).toFixed(3) : text;
}

/** A Markdown table (readable in a terminal, pasteable into the README). */
export function table(rows: ResultRow[]): string {
  const header = ["scenario", "metric", "ours", "floor", "ratio", "target", "ok"];
  const lines = rows.map((r) => [
    r.scenario,
    r.note && r.metric === "skipped" ? `skipped: ${r.note}` : r.metric,
    fmt(r.ours),
    fmt(r.floor),
    r.ratio === null ? "–" : `${ratioText(r)}×`,
    r.target || "–",
    r.pass === null ? "" : r.pass ? "yes" : "**no**",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const render = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(" | ")} |`;
  return [render(header), render(widths.map((w) => "-".repeat(w))), ...lines.map(render)].join("\n");
}
