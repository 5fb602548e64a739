import ReactEChartsCore from 'echarts-for-react/esm/core';
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart, SankeyChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

// The parts the RFM heat map and the lifecycle flow use; pages load this file with import().
echarts.use([BarChart, HeatmapChart, SankeyChart, GridComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

export default function SegmentsChart({ option, height = 320, testId }: { option: Record<string, unknown>; height?: number; testId?: string }) {
  return (
    <div data-testid={testId}>
      <ReactEChartsCore echarts={echarts} option={{ animation: false, ...option }} notMerge style={{ height }} />
    </div>
  );
}
