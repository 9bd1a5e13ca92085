import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeJsonPieces } from './json.ts';

const whole = (value: unknown, depth?: number) => {
  const pieces: string[] = [];
  writeJsonPieces(value, (piece) => pieces.push(piece), depth);
  return pieces.join('');
};

describe('writeJsonPieces', () => {
  it('writes the bytes JSON.stringify(value, null, 2) writes, at every depth', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 6 }), (value, depth) => {
        expect(whole(value, depth)).toBe(JSON.stringify(value, null, 2));
      }),
    );
  });

  it('leaves out undefined properties and writes null for undefined array items, as JSON.stringify does', () => {
    const value = { a: undefined, b: [undefined, 1, { c: undefined }], d: {}, e: [] };
    expect(whole(value)).toBe(JSON.stringify(value, null, 2));
  });

  it('hands on pieces, not one string, for a large matrix', () => {
    const matrix = Array.from({ length: 300 }, () =>
      Array.from({ length: 300 }, () => ({ reachable: true, path: ['r1', 'r2'] })),
    );
    const pieces: string[] = [];
    writeJsonPieces({ after: matrix }, (piece) => pieces.push(piece));
    expect(pieces.length).toBeGreaterThan(100);
    expect(pieces.join('')).toBe(JSON.stringify({ after: matrix }, null, 2));
  });
});
