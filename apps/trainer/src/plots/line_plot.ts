/**
 * Line plots of a training run (loss, measures) as SVG: text and lines without a font or canvas
 * library; `svgToPng` turns them into the PNGs the run folder keeps.
 */

export interface Series {
  name: string;
  /** [x, y] points; non-finite y values are skipped. */
  points: Array<[number, number]>;
}

export interface LinePlotOptions {
  title: string;
  xLabel: string;
  yLabel?: string;
  width?: number;
  height?: number;
  /** Log scale on y (losses); non-positive values are skipped. */
  logY?: boolean;
}

const palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** Round, readable tick values covering [low, high]. */
export function niceTicks(low: number, high: number, count = 5): number[] {
  if (!(high > low)) return [low];
  const rough = (high - low) / count;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= rough) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let value = Math.ceil(low / step) * step; value <= high + step * 1e-9; value += step) ticks.push(Number(value.toPrecision(12)));
  return ticks;
}

/** Ticks of a log axis: 1, 2 and 5 times the powers of ten inside [10^low, 10^high], as log10 values. */
export function logTicks(low: number, high: number): number[] {
  const ticks: number[] = [];
  for (let power = Math.floor(low); power <= Math.ceil(high); power++) {
    for (const factor of [1, 2, 5]) {
      const value = Math.log10(factor) + power;
      if (value >= low - 1e-9 && value <= high + 1e-9) ticks.push(value);
    }
  }
  // A narrow range may hold none of them: fall back to evenly spaced ones.
  return ticks.length >= 2 ? ticks : niceTicks(low, high);
}

function formatTick(value: number): string {
  if (value === 0) return '0';
  const absolute = Math.abs(value);
  return absolute >= 1e4 || absolute < 1e-3 ? value.toExponential(1) : String(Number(value.toPrecision(4)));
}

export function linePlotSvg(series: Series[], options: LinePlotOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 400;
  const margin = { left: 70, right: 20, top: 36, bottom: 48 };
  const transformY = (y: number) => (options.logY ? Math.log10(y) : y);
  const usable = series.map((line) => ({
    name: line.name,
    points: line.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!options.logY || y > 0)),
  }));
  const all = usable.flatMap((line) => line.points);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(options.title)}</text>`,
  ];
  if (all.length === 0) {
    parts.push(`<text x="${width / 2}" y="${height / 2}" text-anchor="middle">no data yet</text></svg>`);
    return parts.join('');
  }
  let [xLow, xHigh] = [Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0]))];
  let [yLow, yHigh] = [Math.min(...all.map((p) => transformY(p[1]))), Math.max(...all.map((p) => transformY(p[1])))];
  if (xHigh === xLow) [xLow, xHigh] = [xLow - 1, xHigh + 1];
  if (yHigh === yLow) [yLow, yHigh] = [yLow - 0.5, yHigh + 0.5];
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const toX = (x: number) => margin.left + ((x - xLow) / (xHigh - xLow)) * plotWidth;
  const toY = (y: number) => margin.top + (1 - (transformY(y) - yLow) / (yHigh - yLow)) * plotHeight;
  parts.push(`<rect x="${margin.left}" y="${margin.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#888"/>`);
  for (const tick of niceTicks(xLow, xHigh)) {
    const x = toX(tick).toFixed(1);
    parts.push(`<line x1="${x}" x2="${x}" y1="${margin.top}" y2="${margin.top + plotHeight}" stroke="#eee"/>`);
    parts.push(`<text x="${x}" y="${margin.top + plotHeight + 16}" text-anchor="middle">${formatTick(tick)}</text>`);
  }
  for (const tick of options.logY ? logTicks(yLow, yHigh) : niceTicks(yLow, yHigh)) {
    const y = (margin.top + (1 - (tick - yLow) / (yHigh - yLow)) * plotHeight).toFixed(1);
    const label = options.logY ? formatTick(10 ** tick) : formatTick(tick);
    parts.push(`<line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${y}" y2="${y}" stroke="#eee"/>`);
    parts.push(`<text x="${margin.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${label}</text>`);
  }
  parts.push(`<text x="${margin.left + plotWidth / 2}" y="${height - 10}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  if (options.yLabel !== undefined) {
    parts.push(
      `<text transform="translate(16 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
    );
  }
  usable.forEach((line, index) => {
    const colour = palette[index % palette.length];
    if (line.points.length > 0) {
      const path = line.points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${toX(x).toFixed(1)} ${toY(y).toFixed(1)}`).join(' ');
      parts.push(`<path d="${path}" fill="none" stroke="${colour}" stroke-width="1.5"/>`);
      if (line.points.length < 30) {
        for (const [x, y] of line.points)
          parts.push(`<circle cx="${toX(x).toFixed(1)}" cy="${toY(y).toFixed(1)}" r="2.5" fill="${colour}"/>`);
      }
    }
    const legendY = margin.top + 14 + index * 16;
    parts.push(
      `<line x1="${margin.left + plotWidth - 150}" x2="${margin.left + plotWidth - 130}" y1="${legendY}" y2="${legendY}" stroke="${colour}" stroke-width="2"/>`,
    );
    parts.push(`<text x="${margin.left + plotWidth - 124}" y="${legendY}" dominant-baseline="middle">${escapeXml(line.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
