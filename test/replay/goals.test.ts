/** The replay's two goals over a fleet (lib/replay/goals.ts), as `npm run simulate` prints them. */
import { describe, expect, test } from 'vitest';
import { replayGoals } from '../../lib/replay/goals.js';
import type { ReplayResult } from '../../lib/replay/replay.js';

describe('replayGoals', () => {
  /** A replay row with the fields the goals read; two deployments of 1,000 servable requests each. */
  const row = (policy: string, deployment: string, costUsd: number, sloAttainment: number): ReplayResult =>
    ({ policy, default: policy === 'output-tokens', deployment, costUsd, oracleCostUsd: 9, sloAttainment, requests: 1000, failedRequests: 0 }) as unknown as ReplayResult;
  const fleet = (policy: string, costs: [number, number], attainments: [number, number]): ReplayResult[] => [
    row(policy, 'a', costs[0], attainments[0]),
    row(policy, 'b', costs[1], attainments[1]),
  ];
  const base = fleet('output-tokens', [10, 10], [0.995, 0.995]);

  test('names a peer that costs less at equal or better attainment', () => {
    expect(replayGoals([...base, ...fleet('queue-depth', [10, 9], [0.995, 0.995])])).toEqual({ efficient: true, cheaperPeers: ['queue-depth'] });
  });

  test('names no peer that costs the same, or less at lower attainment', () => {
    const peers = [...fleet('queue-depth', [10, 10], [0.995, 0.995]), ...fleet('kv-cache', [9, 9], [0.995, 0.994])];
    expect(replayGoals([...base, ...peers]).cheaperPeers).toEqual([]);
  });

  test('names no peer that misses the 99 % goal on more deployments at the same fleet attainment', () => {
    expect(replayGoals([...base, ...fleet('queue-depth', [9, 9], [1, 0.989])]).cheaperPeers).toEqual([]);
  });

  test('the efficiency goal needs 0.9 of the oracle at 99 % attainment', () => {
    expect(replayGoals(fleet('output-tokens', [10, 10.5], [0.995, 0.995])).efficient).toBe(false);
    expect(replayGoals(fleet('output-tokens', [10, 10], [0.995, 0.984])).efficient).toBe(false);
    expect(replayGoals(fleet('output-tokens', [10, 10], [0.995, 0.985])).efficient).toBe(true);
  });
});
