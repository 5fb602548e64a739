import fs from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parseCdnow } from '../../seed/cdnow.ts';
import { dayNumber, rfCells, spendCells, summarise, type CustomerHistory, type Purchase } from './clv.data.ts';
import { fitBgNbd, fitGammaGamma, type BgNbdFit, type GammaGammaFit } from './clv.model.ts';

/**
 * `npm run -s clv:fit -- <file> --format cdnow --calibration-end 1997-09-30 [--json]`: fits BG/NBD and
 * Gamma-Gamma to a purchase file with the same code the weekly job runs, for analysts who want to check
 * the model on their own data or on the literature's.
 */
export interface FileFit {
  customers: number;
  repeaters: number;
  bgnbd: BgNbdFit;
  gammagamma: Omit<GammaGammaFit, 'loglik'>;
}

export async function readPurchases(file: string, format: string): Promise<Purchase[]> {
  if (format !== 'cdnow') throw new Error(`--format ${format} is not supported (supported: cdnow)`);
  // Amounts are read as exact fen by the CDNOW loader; the spend model reports them back in dollars.
  return parseCdnow(await fs.readFile(file, 'utf8')).map((p) => ({ customer: p.customer, day: dayNumber(p.date), amount: p.fen / 100 }));
}

export function fitHistories(histories: readonly CustomerHistory[]): FileFit {
  const spend = spendCells(histories);
  const gg = fitGammaGamma(spend);
  return {
    customers: histories.length,
    repeaters: histories.filter((h) => h.x > 0).length,
    bgnbd: fitBgNbd(rfCells(histories)),
    gammagamma: { p: gg.p, q: gg.q, v: gg.v },
  };
}

export async function fitFile(file: string, options: { format: string; calibrationEnd: string }): Promise<FileFit> {
  return fitHistories(summarise(await readPurchases(file, options.format), isoDay(options.calibrationEnd)));
}

/** "1997-09-30" → day number; anything else is refused rather than guessed. */
export function isoDay(text: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(text))) throw new Error(`--calibration-end must be a date like 1997-09-30, not "${text}"`);
  return dayNumber(text.replaceAll('-', ''));
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { format: { type: 'string', default: 'cdnow' }, 'calibration-end': { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const file = positionals[0];
  if (!file || !values['calibration-end']) {
    process.stderr.write('usage: npm run -s clv:fit -- <file> --format cdnow --calibration-end YYYY-MM-DD [--json]\n');
    process.exit(2);
  }
  const fit = await fitFile(file, { format: values.format, calibrationEnd: values['calibration-end'] });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(fit)}\n`);
    return;
  }
  const { r, alpha, a, b, loglik } = fit.bgnbd;
  const { p, q, v } = fit.gammagamma;
  process.stdout.write(
    [
      `customers ${fit.customers}, repeaters ${fit.repeaters}`,
      `BG/NBD       r=${r.toFixed(4)} alpha=${alpha.toFixed(4)} a=${a.toFixed(4)} b=${b.toFixed(4)} LL=${loglik.toFixed(2)}`,
      `Gamma-Gamma  p=${p.toFixed(4)} q=${q.toFixed(4)} v=${v.toFixed(4)}`,
      '',
    ].join('\n'),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
