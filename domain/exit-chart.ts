// The exit timetable chart (脱贫时序图): planned against actual exits of villages and townships per year, as the
// ECharts option the API renders to SVG on the server. Pure: it builds the option from the yearly figures, which the
// API takes from the same query as GET /exit-plan (cumulative: planned or exited by the end of each year).

export interface ExitPlanYear {
  year: number;
  villages: { planned: number; exited: number };
  townships: { planned: number; exited: number };
}

/** The four series, in the order drawn: name and where its value comes from. */
export const EXIT_CHART_SERIES = [
  { name: '计划退出村数', of: 'villages', key: 'planned' },
  { name: '实际退出村数', of: 'villages', key: 'exited' },
  { name: '计划退出乡镇数', of: 'townships', key: 'planned' },
  { name: '实际退出乡镇数', of: 'townships', key: 'exited' },
] as const;

export const EXIT_CHART_SIZE = { width: 960, height: 540 } as const;

/** The chart's title for a place (the county or a township). */
export function exitChartTitle(placeName: string): string {
  return `${placeName}脱贫时序：计划与实际退出（累计）`;
}

/** Every value in words, for the SVG's accessible name (aria-label): a screen reader reads the chart's numbers. */
export function exitChartDescription(placeName: string, years: readonly ExitPlanYear[]): string {
  const values =
    years.length === 0
      ? '暂无退出计划。'
      : EXIT_CHART_SERIES.map((s) => `${s.name}：${years.map((y) => `${y.year}年${y[s.of][s.key]}`).join('，')}`).join(
          '；',
        ) + '。';
  return `${exitChartTitle(placeName)}。${values}`;
}

/**
 * The ECharts option: villages on the left axis, townships on the right (17 townships beside 193 villages would
 * otherwise be invisible), each bar labelled with its value, no animation (rendered once, on the server).
 */
export function exitChartOption(placeName: string, years: readonly ExitPlanYear[], generatedOn: string) {
  const series = EXIT_CHART_SERIES.map((s, i) => ({
    name: s.name,
    type: 'bar' as const,
    yAxisIndex: s.of === 'villages' ? 0 : 1,
    barMaxWidth: 28,
    label: { show: true, position: 'top' as const, fontSize: 11 },
    itemStyle: { color: ['#c23531', '#e98f6f', '#2f4554', '#61a0a8'][i] },
    data: years.map((y) => y[s.of][s.key]),
  }));
  return {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: 'sans-serif' },
    title: {
      text: exitChartTitle(placeName),
      subtext: years.length === 0 ? `暂无退出计划，制图日期：${generatedOn}` : `制图日期：${generatedOn}`,
      left: 'center',
    },
    legend: { top: 56, data: EXIT_CHART_SERIES.map((s) => s.name) },
    grid: { top: 100, left: 64, right: 64, bottom: 48 },
    xAxis: { type: 'category' as const, name: '年份', data: years.map((y) => `${y.year}`) },
    yAxis: [
      { type: 'value' as const, name: '村数', minInterval: 1 },
      { type: 'value' as const, name: '乡镇数', minInterval: 1, splitLine: { show: false } },
    ],
    series,
  };
}
