import { depthOf } from './body-checks';

describe('depthOf', () => {
  it('counts objects and arrays, not scalars, and walks 100,000 levels without recursion', () => {
    expect(depthOf('x', 64)).toBe(0);
    expect(depthOf({ a: 1, b: [1, { c: [] }] }, 64)).toBe(4);
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(depthOf(deep, 64)).toBe(65);
  });
});
