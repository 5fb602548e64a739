/** A tier colour darkened by a share (-0.5 = half as bright): white text on a tier card stays readable (contrast). */
export function shade(hex: string, amount: number): string {
  const n = parseInt(hex.slice(1), 16);
  const f = (v: number) => Math.max(0, Math.min(255, Math.round(v + v * amount)));
  return `rgb(${f(n >> 16)}, ${f((n >> 8) & 255)}, ${f(n & 255)})`;
}

export const tierBackground = (hex: string) => `linear-gradient(135deg, ${shade(hex, -0.5)}, ${shade(hex, -0.2)})`;
