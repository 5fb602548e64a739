import ReactEChartsCore from 'echarts-for-react/esm/core';
import * as echarts from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

// Only the parts the tier charts use, so the chunk stays small (loaded with import() by the tiers page).
echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export interface TierBar {
  name: string;
  color: string;
  values: number[];
}

/** Members per tier as bars; with two series (now / simulated) they stand side by side. */
export default function TierDistributionChart({ tiers, series }: { tiers: { name: string; color: string }[]; series: { name: string; values: number[] }[] }) {
  const option = {
    tooltip: { trigger: 'axis' },
    legend: series.length > 1 ? { top: 0, data: series.map((s) => s.name) } : undefined,
    grid: { left: 48, right: 16, top: series.length > 1 ? 36 : 16, bottom: 28 },
    xAxis: { type: 'category', data: tiers.map((t) => t.name) },
    yAxis: { type: 'value', minInterval: 1 },
    series: series.map((s, i) => ({
      name: s.name,
      type: 'bar',
      barMaxWidth: 48,
      data: s.values.map((value, k) => ({ value, itemStyle: { color: tiers[k]!.color, opacity: i === 0 && series.length > 1 ? 0.45 : 1 } })),
      label: { show: true, position: 'top' },
    })),
  };
  return <ReactEChartsCore echarts={echarts} option={option} notMerge style={{ height: 260 }} />;
}
