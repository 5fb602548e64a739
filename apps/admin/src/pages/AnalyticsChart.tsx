import ReactEChartsCore from 'echarts-for-react/esm/core';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

// Only the parts the analytics charts use; the pages load this file with import() so the chunk stays off
// every other page.
echarts.use([BarChart, LineChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, CanvasRenderer]);

/**
 * An ECharts chart of the analytics pages (CLV distribution, Lorenz curve); the page builds the option.
 * Without animation: these are reports, read at once (and screenshotted by the smoke test).
 */
export default function AnalyticsChart({ option, height = 280, testId }: { option: Record<string, unknown>; height?: number; testId?: string }) {
  return (
    <div data-testid={testId}>
      <ReactEChartsCore echarts={echarts} option={{ animation: false, ...option }} notMerge style={{ height }} />
    </div>
  );
}
