import { describe, expect, it } from 'vitest';
import { ALPHABET, formatCode, newCode, parseCode } from './codes.ts';

describe('coupon codes', () => {
  it('are 15 symbols of the alphabet, grouped 5-5-5, and parse back however they are typed', () => {
    const code = newCode();
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{15}$/);
    expect(formatCode(code)).toMatch(/^.{5}-.{5}-.{5}$/);
    expect(parseCode(formatCode(code))).toBe(code);
    expect(parseCode(` ${formatCode(code).toLowerCase().replaceAll('-', ' ')} `)).toBe(code);
    // Look-alikes read as what they look like.
    const withZero = code.replaceAll('0', 'O').replaceAll('1', 'I');
    expect(parseCode(withZero)).toBe(code);
  });

  it('carry at least 60 bits of randomness (no repeats in 20,000, every symbol used in every place)', () => {
    const codes = Array.from({ length: 20_000 }, newCode);
    expect(new Set(codes).size).toBe(codes.length);
    for (let place = 0; place < 14; place++) expect(new Set(codes.map((c) => c[place])).size).toBe(32);
  });

  it('detect every single mistyped symbol and every swap of two different symbols (exhaustive over 50 codes)', () => {
    for (let n = 0; n < 50; n++) {
      const code = newCode();
      for (let place = 0; place < 15; place++) {
        for (const wrong of ALPHABET) {
          if (wrong !== code[place]) expect(parseCode(code.slice(0, place) + wrong + code.slice(place + 1))).toBeUndefined();
        }
        for (let other = place + 1; other < 15; other++) {
          if (code[place] === code[other]) continue;
          const chars = [...code];
          [chars[place], chars[other]] = [chars[other]!, chars[place]!];
          expect(parseCode(chars.join(''))).toBeUndefined();
        }
      }
    }
  });

  it('refuses wrong lengths and symbols outside the alphabet', () => {
    const code = newCode();
    expect(parseCode(code.slice(1))).toBeUndefined();
    expect(parseCode(code + '0')).toBeUndefined();
    expect(parseCode('U' + code.slice(1))).toBeUndefined();
  });
});
