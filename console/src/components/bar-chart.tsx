// A small accessible bar chart: horizontal SVG bars with their labels and values written out, and an aria-label
// that lists every value (screen readers read it; the test reads it too). No chart library: a few rectangles.
export interface Bar {
  label: string;
  /** The filled part (e.g. rounds completed). */
  value: number;
  /** The whole (e.g. rounds started); the bar's track. */
  total: number;
}

const ROW = 28;
const LABEL_WIDTH = 140;
const WIDTH = 560;

export function BarChart(props: { title: string; bars: Bar[]; unit: string }) {
  const { bars, title, unit } = props;
  const max = Math.max(1, ...bars.map((b) => b.total));
  const summary = `${title}：${bars.map((b) => `${b.label} ${b.value}/${b.total}${unit}`).join('；')}`;
  const barWidth = WIDTH - LABEL_WIDTH - 90;
  return (
    <figure class="chart">
      <svg
        role="img"
        aria-label={summary}
        viewBox={`0 0 ${WIDTH} ${Math.max(1, bars.length) * ROW}`}
        preserveAspectRatio="xMinYMin meet"
      >
        {bars.map((b, i) => (
          <g key={b.label} transform={`translate(0 ${i * ROW})`}>
            <text x={0} y={ROW / 2 + 5} class="chart-label">
              {b.label}
            </text>
            <rect x={LABEL_WIDTH} y={4} width={(barWidth * b.total) / max} height={ROW - 8} class="chart-track" />
            <rect x={LABEL_WIDTH} y={4} width={(barWidth * b.value) / max} height={ROW - 8} class="chart-bar" />
            <text x={LABEL_WIDTH + barWidth + 8} y={ROW / 2 + 5} class="chart-value">
              {`${b.value}/${b.total}`}
            </text>
          </g>
        ))}
      </svg>
      <figcaption>{title}</figcaption>
    </figure>
  );
}
