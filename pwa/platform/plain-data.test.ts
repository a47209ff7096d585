import { describe, expect, it } from 'vitest';
import { plainDataProblem } from './plain-data.ts';

describe('plainDataProblem', () => {
  it('accepts JSON-like data', () => {
    expect(plainDataProblem({ a: [1, 'x', null, true, { b: -0.5 }], c: Object.create(null) as object })).toBeNull();
  });
  it.each([
    ['NaN', { a: Number.NaN }, '$.a is NaN, not a finite number'],
    ['undefined', { a: [1, undefined] }, '$.a[1] is undefined, not plain data'],
    ['a function', { f: () => 1 }, '$.f is a function, not plain data'],
    ['a class instance', { m: new Map() }, '$.m is a Map, not a plain object'],
    ['a getter', Object.defineProperty({}, 'rho', { get: () => 1, enumerable: true }), '$.rho is a getter, not a value'],
    ['a bigint', { n: 1n }, '$.n is a bigint, not plain data'],
  ])('refuses %s, naming the path', (_what, value, message) => {
    expect(plainDataProblem(value)).toBe(message);
  });
  it('refuses runaway nesting instead of overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 1000; i++) deep = [deep];
    expect(plainDataProblem(deep)).toMatch(/nested deeper than 32 levels/);
  });
});
