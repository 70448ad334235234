/**
 * The boundary of a monotone predicate over indices: the lowest index in (lo, hi] where it holds,
 * given it fails at `lo` and holds at `hi`, in about log2(hi - lo) evaluations. The replay's
 * oracle and target fit search their candidate lists with it; each probes the likely end itself
 * first. Internal: not exported from `lib/index.ts`.
 */
export function firstHolding(lo: number, hi: number, holds: (i: number) => boolean): number {
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (holds(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
