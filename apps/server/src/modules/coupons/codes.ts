import crypto from 'node:crypto';

// Coupon codes: 14 random symbols (70 bits from crypto) and one check symbol, in Crockford's base-32
// alphabet (no I, L, O, U: nothing to confuse with 1, 0 or V, and no accidental words), grouped 5-5-5 for
// reading aloud: `K7QM2-9XHTR-4PW8Z`. Input forgives case, spaces, dashes and the look-alikes I/L → 1, O → 0.
//
// The check symbol is a weighted sum over GF(32) (polynomial x⁵ + x² + 1): c = Σ vᵢ·αⁱ (i = 1 … 14) with
// α = x, a primitive element, so that the whole code, check included with weight α⁰, sums to zero. Written here because no maintained library offers it, and Crockford's own mod-37
// check needs five extra symbols (* ~ $ = U) that are awkward to read aloud. What it detects, always:
// - one wrong symbol: the sum changes by e·αⁱ with e ≠ 0, never zero in a field;
// - two symbols swapped at positions i ≠ j (adjacent or not): the change is (a ⊕ b)·(αⁱ ⊕ αʲ), non-zero
//   because a ≠ b and αⁱ ≠ αʲ while |i − j| < 31 (α has order 31).
// The check symbol is one of those positions (weight α⁰), so a typo in it or a swap with it is caught too.

export const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const GROUP = 5;
const VALUE = new Map([...ALPHABET].map((ch, i) => [ch, i]));

const EXP: number[] = [];
const LOG: number[] = new Array(32).fill(0);
for (let i = 0, x = 1; i < 31; i++) {
  EXP.push(x);
  LOG[x] = i;
  x <<= 1;
  if (x & 0x20) x ^= 0x25;
}

function mul(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  return EXP[(LOG[a]! + LOG[b]!) % 31]!;
}

/** The check symbol's value for a body of symbol values: Σ vᵢ·α^(i+1), so the check itself weighs α⁰ = 1. */
function checkValue(values: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum ^= mul(values[i]!, EXP[(i + 1) % 31]!);
  return sum;
}

export interface CodeScheme {
  /** A new code, normalized (no separators): the random symbols and the check symbol. */
  newCode(): string;
  /** For people: groups of five, `K7QM2-9XHTR-4PW8Z`. */
  formatCode(code: string): string;
  /**
   * What was typed or scanned, as a stored code, or undefined when it cannot be one: wrong length, a symbol
   * outside the alphabet, or a check symbol that does not match (a mistyped or swapped symbol).
   */
  parseCode(input: string): string | undefined;
}

/**
 * The scheme for codes of `randomSymbols` random symbols (5 bits each) and a check symbol. Coupons and tickets
 * use 14 (70 bits); one-code-per-item labels use 13 (65 bits), so a coupon code typed into the scanner is
 * refused by its length before any read. The check's guarantees hold up to 30 symbols (α has order 31).
 */
export function codeScheme(randomSymbols: number): CodeScheme {
  if (randomSymbols < 1 || randomSymbols > 30) throw new Error('the check symbol covers at most 30 random symbols');
  const randomBytes = Math.ceil((randomSymbols * 5) / 8);
  return {
    newCode() {
      let bits = 0n;
      for (const byte of crypto.randomBytes(randomBytes)) bits = (bits << 8n) | BigInt(byte);
      const values: number[] = [];
      for (let i = 0; i < randomSymbols; i++) values.push(Number((bits >> BigInt(5 * i)) & 31n));
      return values.map((v) => ALPHABET[v]).join('') + ALPHABET[checkValue(values)];
    },
    formatCode: (code) => code.match(new RegExp(`.{1,${GROUP}}`, 'g'))!.join('-'),
    parseCode(input) {
      const cleaned = input.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
      if (cleaned.length !== randomSymbols + 1) return undefined;
      const values: number[] = [];
      for (const ch of cleaned) {
        const v = VALUE.get(ch);
        if (v === undefined) return undefined;
        values.push(v);
      }
      const check = values.pop()!;
      return checkValue(values) === check ? cleaned : undefined;
    },
  };
}

/** The coupon and ticket scheme: 14 random symbols and the check, shown `XXXXX-XXXXX-XXXXX`. */
export const { newCode, formatCode, parseCode } = codeScheme(14);
