/**
 * Regenerates the numbers and charts of docs/clv.md from the CDNOW files beside the repository:
 * `npm run -s clv:report > /tmp/clv.md` prints the markdown tables and writes docs/clv-tracking-*.svg.
 * Uses the same summary, fit and expectation code as `clv:fit` and the weekly job.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cdnowFile } from '../apps/server/src/seed/cdnow.ts';
import { fitHistories, isoDay, readPurchases } from '../apps/server/src/modules/analytics/clv.cli.ts';
import { summarise, type Purchase } from '../apps/server/src/modules/analytics/clv.data.ts';
import { conditionalExpectedPurchases, expectedPurchases, type BgNbdParams } from '../apps/server/src/modules/analytics/clv.model.ts';

const docs = fileURLToPath(new URL('../docs/', import.meta.url));
const start = isoDay('1997-01-01');
const calibrationEnd = isoDay('1997-09-30');
const holdoutEnd = isoDay('1998-06-30');
const holdoutWeeks = (holdoutEnd - calibrationEnd) / 7;

const out: string[] = [];
for (const [label, sample] of [['sample', true], ['master', false]] as const) {
  const purchases = await readPurchases(cdnowFile(sample), 'cdnow');
  const histories = summarise(purchases, calibrationEnd, holdoutEnd);
  const fit = fitHistories(histories);
  const { r, alpha, a, b, loglik } = fit.bgnbd;
  out.push(`### ${label}: ${fit.customers} customers, ${fit.repeaters} repeaters`, '');
  out.push(`BG/NBD r=${r.toFixed(4)} α=${alpha.toFixed(4)} a=${a.toFixed(4)} b=${b.toFixed(4)} LL=${loglik.toFixed(2)}; Gamma-Gamma p=${fit.gammagamma.p.toFixed(4)} q=${fit.gammagamma.q.toFixed(4)} v=${fit.gammagamma.v.toFixed(4)}`, '');

  const tracking = weeklyTracking(purchases, fit.bgnbd);
  out.push('| week | actual cumulative repeat transactions | predicted | error |', '| ---: | ---: | ---: | ---: |');
  for (const row of tracking.filter((w) => w.week % 3 === 0)) {
    out.push(`| ${row.week}${row.week === 39 ? ' (end of calibration)' : ''} | ${row.actual} | ${row.predicted.toFixed(1)} | ${pct(row.predicted, row.actual)} |`);
  }
  const last = tracking.at(-1)!;
  const atCalibration = tracking[38]!;
  out.push('', `Holdout (weeks 40–78): actual ${last.actual - atCalibration.actual}, predicted ${(last.predicted - atCalibration.predicted).toFixed(1)} (${pct(last.predicted - atCalibration.predicted, last.actual - atCalibration.actual)}).`, '');

  out.push('| repeat transactions in weeks 1–39 | customers | actual mean in weeks 40–78 | predicted (conditional expectation) |', '| ---: | ---: | ---: | ---: |');
  for (let x = 0; x <= 7; x++) {
    const group = histories.filter((h) => (x < 7 ? h.x === x : h.x >= 7));
    const actual = group.reduce((s, h) => s + h.holdout, 0) / group.length;
    const predicted = group.reduce((s, h) => s + conditionalExpectedPurchases(fit.bgnbd, holdoutWeeks, h.x, h.tx, h.T), 0) / group.length;
    out.push(`| ${x < 7 ? x : '7+'} | ${group.length} | ${actual.toFixed(3)} | ${predicted.toFixed(3)} |`);
  }
  out.push('');
  await fs.writeFile(path.join(docs, `clv-tracking-${label}.svg`), trackingSvg(tracking, `CDNOW ${label}: cumulative repeat transactions, actual vs BG/NBD`));
}
process.stdout.write(`${out.join('\n')}\n`);

/** Cumulative repeat transactions by the end of each of the 78 weeks, actual and expected (the paper's figure 2). */
function weeklyTracking(purchases: readonly Purchase[], params: BgNbdParams) {
  const histories = summarise(purchases, holdoutEnd, holdoutEnd);
  const repeatDays: number[] = [];
  const days = new Map<string, Set<number>>();
  for (const p of purchases) {
    let set = days.get(p.customer);
    if (!set) days.set(p.customer, (set = new Set()));
    set.add(p.day);
  }
  for (const set of days.values()) repeatDays.push(...[...set].sort((m, n) => m - n).slice(1));
  const firstDays = new Map<number, number>();
  for (const h of histories) firstDays.set(h.firstDay, (firstDays.get(h.firstDay) ?? 0) + 1);
  const rows: { week: number; actual: number; predicted: number }[] = [];
  for (let week = 1; week <= 78; week++) {
    // The week's last day, measured like T: a purchase on the calibration end day is at t = T.
    const lastDay = start + 7 * week - 1;
    const actual = repeatDays.filter((d) => d <= lastDay).length;
    let predicted = 0;
    for (const [firstDay, count] of firstDays) if (firstDay <= lastDay) predicted += count * expectedPurchases(params, (lastDay - firstDay) / 7);
    rows.push({ week, actual, predicted });
  }
  return rows;
}

function pct(predicted: number, actual: number) {
  return actual ? `${(((predicted - actual) / actual) * 100).toFixed(1)} %` : '—';
}

/** A plain line chart: no charting library is needed for two series on fixed axes. */
function trackingSvg(rows: { week: number; actual: number; predicted: number }[], title: string): string {
  const width = 720;
  const height = 400;
  const left = 70;
  const right = 20;
  const top = 40;
  const bottom = 50;
  const maxY = Math.max(...rows.map((r) => Math.max(r.actual, r.predicted)));
  const niceMax = Math.ceil(maxY / 10 ** Math.floor(Math.log10(maxY))) * 10 ** Math.floor(Math.log10(maxY));
  const x = (week: number) => left + ((week - 1) / 77) * (width - left - right);
  const y = (value: number) => top + (1 - value / niceMax) * (height - top - bottom);
  const line = (key: 'actual' | 'predicted') => rows.map((r) => `${x(r.week).toFixed(1)},${y(r[key]).toFixed(1)}`).join(' ');
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => Math.round(f * niceMax));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="${width / 2}" y="22" text-anchor="middle" font-size="14">${title}</text>
${ticks.map((t) => `<line x1="${left}" x2="${width - right}" y1="${y(t)}" y2="${y(t)}" stroke="#eee"/><text x="${left - 6}" y="${y(t) + 4}" text-anchor="end">${t}</text>`).join('\n')}
${[1, 13, 26, 39, 52, 65, 78].map((w) => `<text x="${x(w)}" y="${height - bottom + 18}" text-anchor="middle">${w}</text>`).join('\n')}
<text x="${(left + width - right) / 2}" y="${height - 12}" text-anchor="middle">week</text>
<line x1="${x(39)}" x2="${x(39)}" y1="${top}" y2="${height - bottom}" stroke="#999" stroke-dasharray="4 4"/>
<text x="${x(39) + 4}" y="${top + 12}" fill="#666">end of calibration</text>
<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="${line('actual')}"/>
<polyline fill="none" stroke="#d62728" stroke-width="2" stroke-dasharray="6 3" points="${line('predicted')}"/>
<line x1="${left + 10}" x2="${left + 40}" y1="${top + 10}" y2="${top + 10}" stroke="#1f77b4" stroke-width="2"/><text x="${left + 46}" y="${top + 14}">actual</text>
<line x1="${left + 10}" x2="${left + 40}" y1="${top + 28}" y2="${top + 28}" stroke="#d62728" stroke-width="2" stroke-dasharray="6 3"/><text x="${left + 46}" y="${top + 32}">BG/NBD</text>
</svg>
`;
}
