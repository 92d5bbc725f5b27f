// Charts drawn as plain SVG: a handful of rectangles and labels each, so no
// chart library is needed (docs/portal.md). Every chart has a text summary
// for screen readers and a <title> per mark for pointer users.
import { axisLabels, fmtNumber } from '../format';

export interface Series {
  key: string;
  label: string;
  tone: 'primary' | 'bad' | 'good' | 'muted';
}

export interface BarDatum {
  label: string; // x-axis text for this bar (unless every datum has `at`)
  at?: string | number; // the bar's time: the axis then reads "Dec 6, 22:00", "23:00", ...
  title: string; // the bar's full description (tooltip)
  values: Record<string, number>;
}

// The axis top: a round number whose half is a whole number too (the middle
// grid line), at least 4 so that counts of nothing or little look right.
function niceMax(v: number): number {
  if (v <= 4) return 4;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 4, 6, 8, 10]) {
    if (v <= m * p) return m * p;
  }
  return 10 * p;
}

// Stacked bars, one per datum, e.g. rows applied per hour.
export function BarChart({ data, series, summary, height = 160 }: { data: BarDatum[]; series: Series[]; summary: string; height?: number }) {
  const W = 720;
  const H = height;
  const left = 44;
  const bottom = 22;
  const top = 8;
  const plotW = W - left - 8;
  const plotH = H - bottom - top;
  const totals = data.map((d) => series.reduce((s, x) => s + (d.values[x.key] ?? 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const slot = data.length ? plotW / data.length : plotW;
  const barW = Math.max(1, slot * 0.72);
  const every = Math.max(1, Math.ceil(data.length / 8));
  const shown = data.map((_, i) => i % every === 0 && i + every / 2 < data.length);
  // Times are labelled over the bars that show a label, so the day appears
  // on the first of them and wherever it changes.
  const timed = data.length > 0 && data.every((d) => d.at !== undefined);
  const times = timed ? axisLabels(data.filter((_, i) => shown[i]).map((d) => d.at!)) : [];
  const axisText = (i: number) => (timed ? times[shown.slice(0, i).filter(Boolean).length] : data[i].label);
  const y = (v: number) => top + plotH - (v / max) * plotH;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary} preserveAspectRatio="none">
        {[0, 0.5, 1].map((f) => (
          <g>
            <line x1={left} x2={W - 8} y1={y(max * f)} y2={y(max * f)} class="grid" />
            <text x={left - 6} y={y(max * f) + 4} class="axis" text-anchor="end">
              {fmtNumber(max * f)}
            </text>
          </g>
        ))}
        {data.map((d, i) => {
          let acc = 0;
          const x = left + i * slot + (slot - barW) / 2;
          return (
            <g>
              {series.map((s) => {
                const v = d.values[s.key] ?? 0;
                if (v <= 0) return null;
                const y0 = y(acc);
                acc += v;
                const y1 = y(acc);
                return (
                  <rect x={x} y={y1} width={barW} height={Math.max(1, y0 - y1)} class={`bar bar-${s.tone}`}>
                    <title>{`${d.title}: ${fmtNumber(v)} ${s.label.toLowerCase()}`}</title>
                  </rect>
                );
              })}
              {shown[i] && (
                <text x={left + i * slot + slot / 2} y={H - 6} class="axis" text-anchor="middle">
                  {axisText(i)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      {series.length > 1 && (
        <figcaption class="legend">
          {series.map((s) => (
            <span class="legend-item">
              <span class={`swatch bar-${s.tone}`} aria-hidden="true" /> {s.label}
            </span>
          ))}
        </figcaption>
      )}
    </figure>
  );
}

export interface Span {
  start: number; // ms since epoch
  end: number;
  title: string;
}

// Connected periods across a window ending now: one band, gaps are offline.
export function Timeline({ spans, from, to, summary, marks = [] }: { spans: Span[]; from: number; to: number; summary: string; marks?: { at: number; title: string }[] }) {
  const W = 720;
  const H = 56;
  const left = 8;
  const right = 8;
  const plotW = W - left - right;
  const x = (t: number) => left + ((Math.min(Math.max(t, from), to) - from) / (to - from)) * plotW;
  const ticks: number[] = [];
  const stepH = (to - from) / 3600_000 > 30 ? 24 : 6;
  const step = stepH * 3600_000;
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) ticks.push(t);
  const dayFmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
  const labels = stepH === 24 ? ticks.map((t) => dayFmt.format(new Date(t))) : axisLabels(ticks);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary} preserveAspectRatio="none">
        <rect x={left} y={8} width={plotW} height={20} class="band-off">
          <title>Not connected</title>
        </rect>
        {spans
          .filter((s) => s.end > from && s.start < to)
          .map((s) => (
            <rect x={x(s.start)} y={8} width={Math.max(1.5, x(s.end) - x(s.start))} height={20} class="band-on">
              <title>{s.title}</title>
            </rect>
          ))}
        {marks.map((m) => (
          <line x1={x(m.at)} x2={x(m.at)} y1={4} y2={32} class="mark">
            <title>{m.title}</title>
          </line>
        ))}
        {ticks.map((t, i) => (
          <text x={x(t)} y={H - 8} class="axis" text-anchor="middle">
            {labels[i]}
          </text>
        ))}
      </svg>
      <figcaption class="legend">
        <span class="legend-item">
          <span class="swatch band-on" aria-hidden="true" /> Connected
        </span>
        <span class="legend-item">
          <span class="swatch band-off" aria-hidden="true" /> Not connected
        </span>
      </figcaption>
    </figure>
  );
}

// Labelled horizontal bars: counts by category (exceptions by rule).
export function HBars({ rows, summary, onPick }: { rows: { label: string; value: number; tone?: string; href?: string }[]; summary: string; onPick?: (label: string) => void }) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  return (
    <ul class="hbars" aria-label={summary}>
      {rows.map((r) => (
        <li>
          {r.href ? (
            <a href={r.href} class="hbar-label">
              {r.label}
            </a>
          ) : onPick ? (
            <button type="button" class="link hbar-label" onClick={() => onPick(r.label)}>
              {r.label}
            </button>
          ) : (
            <span class="hbar-label">{r.label}</span>
          )}
          <svg viewBox="0 0 100 10" preserveAspectRatio="none" class="hbar" aria-hidden="true">
            <rect x={0} y={0} width={(r.value / max) * 100} height={10} class={`bar bar-${r.tone ?? 'primary'}`} />
          </svg>
          <span class="hbar-value">{fmtNumber(r.value)}</span>
        </li>
      ))}
    </ul>
  );
}
