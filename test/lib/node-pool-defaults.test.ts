import { describe, expect, test } from 'vitest';
import { AUTO_MODE_MAX_NODE_LIFETIME_HOURS, NODE_POOL_DEFAULTS, NodePoolDefaults, assertAutoModeNodeLifetime, durationHours } from '../../lib/node-pool-defaults.js';
import { expectError } from './expect-error.js';

// EKS Auto Mode: "the sum of expireAfter and terminationGracePeriod (defaulted to 24h) may not
// exceed 21 days" (aws-controllers-k8s/test-infra PR #1000 on an Auto Mode cluster; EKS user
// guide create-node-pool.adoc).
describe('node pool defaults', () => {
  test('the shared defaults fit the Auto Mode lifetime cap', () => {
    expect(AUTO_MODE_MAX_NODE_LIFETIME_HOURS).toBe(504);
    expect(NODE_POOL_DEFAULTS).toMatchObject({ expireAfter: '336h', terminationGracePeriod: '1h', disruptionBudgetNodes: '1' });
    expect(() => assertAutoModeNodeLifetime(NODE_POOL_DEFAULTS.expireAfter, NODE_POOL_DEFAULTS.terminationGracePeriod)).not.toThrow();
  });

  test.each([
    ['336h', 336],
    ['90m', 1.5],
    ['1h30m', 1.5],
    ['3600s', 1],
    ['Never', undefined],
    ['', undefined],
    ['2d', undefined],
  ])('reads %s as %s hours', (value, hours) => {
    expect(durationHours(value)).toBe(hours);
    expect(NodePoolDefaults.durationHours(value)).toBe(hours);
  });

  test('throws NodeLifetimeTooLong above 504 h and for durations Auto Mode cannot bound', () => {
    expect(() => assertAutoModeNodeLifetime('503h', '1h')).not.toThrow();
    expectError(() => assertAutoModeNodeLifetime('720h', '1h'), 'NodeLifetimeTooLong', 'expireAfter', { expireAfter: '720h', terminationGracePeriod: '1h' });
    expectError(() => NodePoolDefaults.assertAutoModeNodeLifetime('Never', '1h'), 'NodeLifetimeTooLong', 'expireAfter', { expireAfter: 'Never', terminationGracePeriod: '1h' });
  });
});
