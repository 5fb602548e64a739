import type { Lottery } from '@hearth/contracts/games';

const SPIN_MS = 3200;

/** The slices of an instant lottery's wheel: its prizes that can still come out, then the no-prize slice if any. */
export function wheelSlices(lottery: Lottery, noPrize: string): { id: string | null; label: string }[] {
  const prizes = lottery.prizes.filter((p) => (p.probability_bp ?? 0) > 0);
  const total = prizes.reduce((s, p) => s + (p.probability_bp ?? 0), 0);
  return [...prizes.map((p) => ({ id: p.id, label: p.name })), ...(total < 10_000 || !prizes.length ? [{ id: null, label: noPrize }] : [])];
}

/** How far the wheel turns to stop on slice `index` (under the pointer at the top), always forward from `from`. */
export function turnTo(from: number, index: number, slices: number): number {
  const slice = 360 / slices;
  const stop = 360 - (index + 0.5) * slice;
  return from - (from % 360) + 5 * 360 + stop;
}

export const spinDuration = SPIN_MS;

/**
 * A wheel drawn with one conic gradient and rotated labels (no canvas, no library). Slices are equal: the
 * server draws the outcome by the published odds and the wheel only turns to it, so the picture promises nothing
 * the odds do not.
 */
export function LuckyWheel({ slices, rotation }: { slices: { id: string | null; label: string }[]; rotation: number }) {
  const slice = 360 / slices.length;
  const colors = ['#fff1e0', '#ffd8a8'];
  const gradient = slices.map((_, i) => `${colors[i % 2]} ${i * slice}deg ${(i + 1) * slice}deg`).join(', ');
  return (
    <div className="wheel" data-testid="lucky-wheel">
      <div className="wheel-pointer" aria-hidden />
      <div className="wheel-disc" style={{ background: `conic-gradient(${gradient})`, transform: `rotate(${rotation}deg)`, transition: `transform ${SPIN_MS}ms cubic-bezier(0.2, 0.8, 0.2, 1)` }}>
        {slices.map((s, i) => (
          <span key={s.id ?? 'none'} className="wheel-label" style={{ transform: `rotate(${(i + 0.5) * slice}deg) translateY(-88px)` }}>
            {s.label}
          </span>
        ))}
      </div>
    </div>
  );
}
