import { describe, expect, it } from 'vitest';
import { firstHolding } from '../../lib/private/bisect.js';

describe('firstHolding', () => {
  it('finds the lowest index where a monotone predicate holds, evaluating about log2 of the range', () => {
    for (const boundary of [1, 2, 7, 15, 16]) {
      const seen: number[] = [];
      const at = firstHolding(0, 16, (i) => (seen.push(i), i >= boundary));
      expect(at).toBe(boundary);
      expect(seen.length).toBeLessThanOrEqual(4);
    }
  });
});
