/**
 * Server-side HTML: a tagged template that escapes every interpolated value (unless it is already
 * `Html`), the page layout, tables and two inline SVG drawings (a line chart and a follow graph).
 */

/** Markup that is already safe to insert. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Value = Html | string | number | bigint | boolean | null | undefined | readonly Value[];

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** `html\`<p>${text}</p>\``: interpolations are escaped, arrays joined, `Html` kept as is. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new Html(out);
}

export type Nav = { href: string; title: string };

/** The dashboard's pages, in menu order. */
export const PAGES: readonly Nav[] = [
  { href: '/', title: 'Overview' },
  { href: '/proposals', title: 'Proposals' },
  { href: '/questions', title: 'Oracle' },
  { href: '/baskets', title: 'Baskets' },
  { href: '/mpc', title: 'MPC' },
  { href: '/agents', title: 'Agents' },
  { href: '/queues', title: 'Queues' },
];

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1.2rem;align-items:center}
header a{color:#cfd6e4;text-decoration:none}header a.on{color:#fff;font-weight:600}
header strong{margin-right:1rem}main{padding:1rem 1.2rem;max-width:1200px}
table{border-collapse:collapse;background:#fff;margin:.4rem 0 1rem;width:100%}
th,td{border:1px solid #dde1e8;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#eef1f5;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
section{background:#fff;border:1px solid #dde1e8;padding:.6rem 1rem;margin:0 0 1rem}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin:.4rem 0}h3{font-size:1rem;margin:.6rem 0 .2rem}
.muted{color:#6b7384}.ok{color:#137333;font-weight:600}.bad{color:#b3261e;font-weight:600}
code{font-size:12px;word-break:break-all}svg{background:#fff}
`;

export function layout(args: { title: string; path: string; body: Html; footer?: string }): string {
  const nav = PAGES.map(
    (p) => html`<a href="${p.href}" class="${p.href === args.path ? 'on' : ''}">${p.title}</a>`,
  );
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${args.title} · Stoa dashboard</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>${new Html(STYLE)}</style></head>
<body><header><strong>Stoa</strong>${nav}</header>
<main><h1>${args.title}</h1>${args.body}<p class="muted">${args.footer ?? ''}</p></main></body></html>
`.text;
}

export type Column<T> = { title: string; cell: (row: T) => Value; num?: boolean };

export function table<T>(rows: readonly T[], columns: readonly Column<T>[], empty = 'none yet'): Html {
  if (rows.length === 0) return html`<p class="muted">${empty}</p>`;
  return html`<table><thead><tr>${columns.map((c) => html`<th>${c.title}</th>`)}</tr></thead><tbody>${rows.map(
    (row) =>
      html`<tr>${columns.map((c) => html`<td class="${c.num ? 'num' : ''}">${c.cell(row)}</td>`)}</tr>`,
  )}</tbody></table>`;
}

export type Point = { x: number; y: number; label: string };

/** A line chart of `points` (x ascending), with min/max labels on the y axis and x labels below. */
export function lineChart(
  points: readonly Point[],
  opts: { width?: number; height?: number; yLabel: string },
) {
  const width = opts.width ?? 640;
  const height = opts.height ?? 220;
  if (points.length === 0) return html`<p class="muted">no values yet</p>`;
  const pad = { left: 70, right: 16, top: 14, bottom: 36 };
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (y0 === y1) [y0, y1] = [y0 * 0.95, y1 * 1.05 || 1];
  const sx = (x: number) =>
    pad.left + (x1 === x0 ? 0.5 : (x - x0) / (x1 - x0)) * (width - pad.left - pad.right);
  const sy = (y: number) => height - pad.bottom - ((y - y0) / (y1 - y0)) * (height - pad.top - pad.bottom);
  const path = points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`)
    .join('');
  const fmt = (y: number) => y.toLocaleString('en-US', { maximumFractionDigits: 4 });
  const first = points[0]!;
  const last = points[points.length - 1]!;
  return html`<svg role="img" aria-label="${opts.yLabel}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<line x1="${pad.left}" y1="${height - pad.bottom}" x2="${width - pad.right}" y2="${height - pad.bottom}" stroke="#99a"/>
<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${height - pad.bottom}" stroke="#99a"/>
<text x="${pad.left - 6}" y="${sy(y1) + 4}" text-anchor="end" font-size="11">${fmt(y1)}</text>
<text x="${pad.left - 6}" y="${sy(y0) + 4}" text-anchor="end" font-size="11">${fmt(y0)}</text>
<text x="${pad.left}" y="${height - 18}" font-size="11">${first.label}</text>
<text x="${width - pad.right}" y="${height - 18}" text-anchor="end" font-size="11">${last.label}</text>
<text x="${pad.left}" y="${height - 4}" font-size="11" fill="#667">${opts.yLabel}</text>
<path d="${path}" fill="none" stroke="#2b59c3" stroke-width="2"/>
${points.map((p) => html`<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="3" fill="#2b59c3"><title>${p.label}: ${fmt(p.y)}</title></circle>`)}
</svg>`;
}

export type GraphEdge = { from: number; to: number; label: string };

/** Nodes on a circle, an arrow per edge (follower -> followee), labelled with the topic. */
export function followGraph(nodes: readonly { id: number; label: string }[], edges: readonly GraphEdge[]) {
  if (nodes.length === 0) return html`<p class="muted">no neurons yet</p>`;
  const size = Math.min(560, 200 + nodes.length * 40);
  const r = size / 2 - 70;
  const c = size / 2;
  const pos = new Map(
    nodes.map((n, i) => {
      const a = (2 * Math.PI * i) / nodes.length - Math.PI / 2;
      return [n.id, { x: c + r * Math.cos(a), y: c + r * Math.sin(a) }] as const;
    }),
  );
  const arrows = edges.flatMap((e) => {
    const a = pos.get(e.from);
    const b = pos.get(e.to);
    if (!a || !b) return [];
    const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
    const [ux, uy] = [(b.x - a.x) / len, (b.y - a.y) / len];
    const [x1, y1, x2, y2] = [a.x + ux * 22, a.y + uy * 22, b.x - ux * 24, b.y - uy * 24];
    return [
      html`<line x1="${x1.toFixed(1)}" y1="${y1.toFixed(1)}" x2="${x2.toFixed(1)}" y2="${y2.toFixed(1)}" stroke="#555" marker-end="url(#arrow)"/>
<text x="${((x1 + x2) / 2).toFixed(1)}" y="${((y1 + y2) / 2 - 4).toFixed(1)}" font-size="10" fill="#667" text-anchor="middle">${e.label}</text>`,
    ];
  });
  return html`<svg role="img" aria-label="follow graph" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#555"/></marker></defs>
${arrows}
${nodes.map((n) => {
  const p = pos.get(n.id)!;
  return html`<circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="20" fill="#e8eefc" stroke="#2b59c3"/>
<text x="${p.x.toFixed(1)}" y="${(p.y + 4).toFixed(1)}" font-size="11" text-anchor="middle">${n.label}</text>`;
})}
</svg>`;
}
