import Chart from './Chart.tsx';

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
  return <Chart option={option} height={260} />;
}
