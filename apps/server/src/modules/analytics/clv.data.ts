import type { RfCell, SpendCell } from './clv.model.ts';

/** One purchase: the day is a calendar day number (days since 1970-01-01 in the shop's own zone). */
export interface Purchase {
  customer: string;
  day: number;
  amount: number;
}

/** A customer's calibration history in the models' terms, plus the holdout count when there is one. */
export interface CustomerHistory {
  customer: string;
  firstDay: number;
  /** Repeat purchase days in the calibration period (the first purchase day is not a repeat). */
  x: number;
  /** Weeks from the first purchase to the last one (0 without repeats). */
  tx: number;
  /** Weeks from the first purchase to the end of calibration. */
  T: number;
  /** Mean spend per repeat purchase day, in the amounts' unit (0 without repeats). */
  meanRepeatSpend: number;
  /** Repeat purchase days after calibration, up to the holdout end. */
  holdout: number;
}

const WEEK = 7;

/** yyyymmdd → day number. */
export function dayNumber(yyyymmdd: string): number {
  return Date.UTC(+yyyymmdd.slice(0, 4), +yyyymmdd.slice(4, 6) - 1, +yyyymmdd.slice(6, 8)) / 86_400_000;
}

/**
 * Summarises purchases into per-customer histories. Several purchases on one day are one transaction
 * (the literature's convention: a shopper who splits a basket did not come back twice). Customers
 * whose first purchase falls after the calibration end are left out; purchases after `holdoutEnd` are
 * ignored.
 */
export function summarise(purchases: readonly Purchase[], calibrationEnd: number, holdoutEnd = calibrationEnd): CustomerHistory[] {
  const days = new Map<string, Map<number, number>>();
  for (const p of purchases) {
    if (p.day > holdoutEnd) continue;
    let byDay = days.get(p.customer);
    if (!byDay) days.set(p.customer, (byDay = new Map()));
    byDay.set(p.day, (byDay.get(p.day) ?? 0) + p.amount);
  }
  const histories: CustomerHistory[] = [];
  for (const [customer, byDay] of days) {
    const sorted = [...byDay.keys()].sort((m, n) => m - n);
    const firstDay = sorted[0]!;
    if (firstDay > calibrationEnd) continue;
    let x = 0;
    let lastDay = firstDay;
    let repeatSpend = 0;
    let holdout = 0;
    for (const day of sorted.slice(1)) {
      if (day <= calibrationEnd) {
        x++;
        lastDay = day;
        repeatSpend += byDay.get(day)!;
      } else {
        holdout++;
      }
    }
    histories.push({ customer, firstDay, x, tx: (lastDay - firstDay) / WEEK, T: (calibrationEnd - firstDay) / WEEK, meanRepeatSpend: x ? repeatSpend / x : 0, holdout });
  }
  return histories.sort((m, n) => (m.customer < n.customer ? -1 : m.customer > n.customer ? 1 : 0));
}

/** Groups identical (x, t_x, T): the likelihood is a weighted sum over the groups. */
export function rfCells(histories: readonly CustomerHistory[]): RfCell[] {
  const cells = new Map<string, RfCell>();
  for (const { x, tx, T } of histories) {
    const key = `${x}|${tx}|${T}`;
    const cell = cells.get(key);
    if (cell) cell.count++;
    else cells.set(key, { x, tx, T, count: 1 });
  }
  return [...cells.values()];
}

/** Repeaters with a positive mean repeat spend: the Gamma-Gamma model's data. */
export function spendCells(histories: readonly CustomerHistory[]): SpendCell[] {
  return histories.filter((h) => h.x > 0 && h.meanRepeatSpend > 0).map((h) => ({ x: h.x, m: h.meanRepeatSpend, count: 1 }));
}
