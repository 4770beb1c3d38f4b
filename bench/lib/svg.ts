// Minimal hand-written SVG charts for the Markdown report: a line chart (values against offered
// load, log axes where the ladder spans decades) and a horizontal bar chart. No chart library:
// the output is small, diff-able text that renders on GitHub as an image.

export interface Series {
  name: string;
  points: [number, number][];
  /** Dashed line: e.g. the y = x "everything offered was answered" reference. */
  dashed?: boolean;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  logX?: boolean;
  logY?: boolean;
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
const WIDTH = 720;
const HEIGHT = 400;
const MARGIN = { left: 78, right: 180, top: 40, bottom: 56 };

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function formatTick(value: number): string {
  if (value >= 1e6) return `${+(value / 1e6).toFixed(1)}M`;
  if (value >= 1e3) return `${+(value / 1e3).toFixed(1)}k`;
  if (value >= 1) return `${+value.toFixed(1)}`;
  return `${+value.toPrecision(2)}`;
}

interface Axis {
  scale(value: number): number;
  ticks: number[];
}

function axis(values: number[], log: boolean, from: number, to: number): Axis {
  const finite = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  let min = finite.length ? Math.min(...finite) : 0;
  let max = finite.length ? Math.max(...finite) : 1;
  if (log) {
    const low = Math.floor(Math.log10(min));
    const high = Math.max(low + 1, Math.ceil(Math.log10(max)));
    const ticks: number[] = [];
    for (let e = low; e <= high; e++) for (const m of high - low > 3 ? [1] : [1, 2, 5]) if (m * 10 ** e <= 10 ** high) ticks.push(m * 10 ** e);
    return { scale: (v) => from + ((Math.log10(Math.max(v, 10 ** low)) - low) / (high - low)) * (to - from), ticks };
  }
  min = Math.min(0, min);
  if (max <= min) max = min + 1;
  const step = 10 ** Math.floor(Math.log10((max - min) / 5));
  const niceStep = [1, 2, 5, 10].map((m) => m * step).find((s) => (max - min) / s <= 6) ?? step * 10;
  const top = Math.ceil(max / niceStep) * niceStep;
  const ticks: number[] = [];
  for (let v = min; v <= top + niceStep / 2; v += niceStep) ticks.push(v);
  return { scale: (v) => from + ((v - min) / (top - min)) * (to - from), ticks };
}

export function lineChart(options: LineChartOptions): string {
  const plotted = options.series.filter((s) => s.points.length > 0);
  const xs = plotted.flatMap((s) => s.points.map(([x]) => x));
  const ys = plotted.flatMap((s) => s.points.map(([, y]) => y));
  const x = axis(xs, options.logX ?? false, MARGIN.left, WIDTH - MARGIN.right);
  const y = axis(ys, options.logY ?? false, HEIGHT - MARGIN.bottom, MARGIN.top);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`);
  parts.push(`<text x="${MARGIN.left}" y="22" font-size="15" font-weight="bold">${escape(options.title)}</text>`);
  for (const tick of x.ticks) {
    const px = x.scale(tick).toFixed(1);
    parts.push(`<line x1="${px}" y1="${MARGIN.top}" x2="${px}" y2="${HEIGHT - MARGIN.bottom}" stroke="#eee"/>`);
    parts.push(`<text x="${px}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${formatTick(tick)}</text>`);
  }
  for (const tick of y.ticks) {
    const py = y.scale(tick).toFixed(1);
    parts.push(`<line x1="${MARGIN.left}" y1="${py}" x2="${WIDTH - MARGIN.right}" y2="${py}" stroke="#eee"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${formatTick(tick)}</text>`);
  }
  parts.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${WIDTH - MARGIN.left - MARGIN.right}" height="${HEIGHT - MARGIN.top - MARGIN.bottom}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${(MARGIN.left + WIDTH - MARGIN.right) / 2}" y="${HEIGHT - 14}" text-anchor="middle">${escape(options.xLabel)}</text>`);
  parts.push(`<text transform="translate(18 ${(MARGIN.top + HEIGHT - MARGIN.bottom) / 2}) rotate(-90)" text-anchor="middle">${escape(options.yLabel)}</text>`);
  plotted.forEach((series, i) => {
    const colour = series.dashed ? '#999' : COLOURS[i % COLOURS.length];
    const points = series.points
      .filter(([px, py]) => Number.isFinite(px) && Number.isFinite(py) && (!options.logX || px > 0) && (!options.logY || py > 0))
      .map(([px, py]) => [x.scale(px), y.scale(py)] as const);
    if (points.length === 0) return;
    const dash = series.dashed ? ' stroke-dasharray="5 4"' : '';
    parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2"${dash} points="${points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ')}"/>`);
    // Markers only where there are few points (a sampled curve reads better as a line).
    if (!series.dashed && points.length <= 40) for (const [px, py] of points) parts.push(`<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="3.5" fill="${colour}"/>`);
    const ly = MARGIN.top + 10 + i * 20;
    parts.push(`<line x1="${WIDTH - MARGIN.right + 12}" y1="${ly}" x2="${WIDTH - MARGIN.right + 34}" y2="${ly}" stroke="${colour}" stroke-width="2"${dash}/>`);
    parts.push(`<text x="${WIDTH - MARGIN.right + 40}" y="${ly}" dominant-baseline="middle">${escape(series.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

export interface Bar {
  label: string;
  value: number;
  note?: string;
}

/** Horizontal bars, one per label, scaled to the largest value. */
export function barChart(title: string, unit: string, bars: Bar[]): string {
  const rowHeight = 26;
  const left = 250;
  const width = 720;
  const right = 110;
  const height = 56 + bars.length * rowHeight;
  const max = Math.max(...bars.map((b) => b.value), 1);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  parts.push(`<text x="10" y="22" font-size="15" font-weight="bold">${escape(title)}</text>`);
  bars.forEach((bar, i) => {
    const y = 40 + i * rowHeight;
    const w = Math.max(0, (bar.value / max) * (width - left - right));
    parts.push(`<text x="${left - 8}" y="${y + 9}" text-anchor="end" dominant-baseline="middle">${escape(bar.label)}</text>`);
    parts.push(`<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="18" fill="${COLOURS[i % COLOURS.length]}"/>`);
    parts.push(`<text x="${(left + w + 6).toFixed(1)}" y="${y + 9}" dominant-baseline="middle">${escape(`${formatTick(bar.value)} ${unit}${bar.note ? ` ${bar.note}` : ''}`)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
