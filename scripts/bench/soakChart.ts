/** A self-contained HTML page of line charts (inline SVG, no scripts) for the soak benchmark's series. */

export interface Series {
  name: string;
  color: string;
  points: [number, number][];
  dashed?: boolean;
}

export interface Chart {
  title: string;
  unit: string;
  series: Series[];
}

const WIDTH = 860;
const HEIGHT = 280;
const PAD = { left: 64, right: 16, top: 16, bottom: 36 };

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** 1, 2 or 5 times a power of ten: tick steps a reader can add up. */
function niceStep(span: number, ticks: number): number {
  const raw = span / ticks || 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
}

function lineChart(chart: Chart): string {
  const points = chart.series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y));
  const xMax = Math.max(1, ...points.map(([x]) => x));
  const yMax = Math.max(1e-9, ...points.map(([, y]) => y)) * 1.1;
  const xStep = niceStep(xMax, 8);
  const yStep = niceStep(yMax, 5);
  const w = WIDTH - PAD.left - PAD.right;
  const h = HEIGHT - PAD.top - PAD.bottom;
  const sx = (x: number) => PAD.left + (x / xMax) * w;
  const sy = (y: number) => PAD.top + h - (y / yMax) * h;
  const grid: string[] = [];
  for (let y = 0; y <= yMax; y += yStep) {
    grid.push(
      `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${sy(y)}" y2="${sy(y)}" stroke="#ddd"/>`,
      `<text x="${PAD.left - 6}" y="${sy(y) + 4}" text-anchor="end">${+y.toPrecision(4)}</text>`,
    );
  }
  for (let x = 0; x <= xMax; x += xStep) {
    grid.push(`<text x="${sx(x)}" y="${HEIGHT - PAD.bottom + 16}" text-anchor="middle">${+x.toPrecision(4)}</text>`);
  }
  const lines = chart.series.map((s) => {
    const path = s.points
      .filter(([, y]) => Number.isFinite(y))
      .map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`)
      .join(" ");
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : "";
    return `<polyline fill="none" stroke="${s.color}" stroke-width="2"${dash} points="${path}"/>`;
  });
  const legend = chart.series
    .map(
      (s) =>
        `<span style="border-left:14px solid ${s.color};padding-left:6px;margin-right:18px">${escape(s.name)}</span>`,
    )
    .join("");
  return `<section><h2>${escape(chart.title)} (${escape(chart.unit)})</h2><div>${legend}</div>
<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-size="11" font-family="sans-serif">
${grid.join("\n")}
<line x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${HEIGHT - PAD.bottom}" stroke="#333"/>
<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${HEIGHT - PAD.bottom}" y2="${HEIGHT - PAD.bottom}" stroke="#333"/>
<text x="${WIDTH - PAD.right}" y="${HEIGHT - 4}" text-anchor="end">seconds since the load began</text>
${lines.join("\n")}
</svg></section>`;
}

export function chartPage(title: string, subtitle: string, charts: readonly Chart[]): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font-family:sans-serif;margin:24px;color:#222}h2{font-size:16px;margin:24px 0 6px}</style>
</head><body><h1>${escape(title)}</h1><p>${escape(subtitle)}</p>
${charts.map(lineChart).join("\n")}
</body></html>
`;
}
