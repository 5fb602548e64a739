import { describe, expect, it } from 'vitest';
import { ALPHABET, codeScheme, formatCode, newCode, parseCode } from './codes.ts';

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

describe('the code scheme for other lengths', () => {
  it('13 random symbols (65 bits, item labels): every single typo and swap is caught, and a coupon code is refused by its length', () => {
    const items = codeScheme(13);
    for (let n = 0; n < 20; n++) {
      const code = items.newCode();
      expect(code).toHaveLength(14);
      expect(items.parseCode(items.formatCode(code).toLowerCase())).toBe(code);
      for (let place = 0; place < 14; place++) {
        for (const wrong of ALPHABET) if (wrong !== code[place]) expect(items.parseCode(code.slice(0, place) + wrong + code.slice(place + 1))).toBeUndefined();
        for (let other = place + 1; other < 14; other++) {
          if (code[place] === code[other]) continue;
          const chars = [...code];
          [chars[place], chars[other]] = [chars[other]!, chars[place]!];
          expect(items.parseCode(chars.join(''))).toBeUndefined();
        }
      }
    }
    expect(items.parseCode(newCode())).toBeUndefined();
    expect(parseCode(items.newCode())).toBeUndefined();
    const many = Array.from({ length: 20_000 }, items.newCode);
    expect(new Set(many).size).toBe(many.length);
    for (let place = 0; place < 13; place++) expect(new Set(many.map((c) => c[place])).size).toBe(32);
  });
});
