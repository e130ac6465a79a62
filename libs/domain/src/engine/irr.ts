/**
 * Internal rate of return of the fund's monthly cash flows.
 *
 * IRR is a rate, not money: it is solved in binary floating point from flows that were
 * computed exactly (cents), and reported to 6 decimals. The solver brackets a root of
 * NPV(r) = Σ flow[p] / (1 + r)^p on r ∈ (-1, ∞) and bisects to ~1e-12.
 *
 * Returns the monthly rate, or null when the flows never change sign or no root is found
 * (DOMAIN.md: "null when no sign change or no solution").
 */
export function monthlyIrr(flows: readonly number[]): number | null {
  let positive = false;
  let negative = false;
  for (const flow of flows) {
    if (flow > 0) positive = true;
    else if (flow < 0) negative = true;
  }
  if (!positive || !negative) return null;

  const npv = (rate: number): number => {
    let value = 0;
    let discount = 1;
    const factor = 1 / (1 + rate);
    for (const flow of flows) {
      value += flow * discount;
      discount *= factor;
    }
    return value;
  };

  // Scan a grid of rates for a sign change of the NPV, then bisect inside it. The grid covers
  // -99.99% to +10^6% a month, far beyond any cohort that is not a data error.
  const grid = [-0.9999, -0.99, -0.9, -0.7, -0.5, -0.3, -0.1, 0, 0.1, 0.3, 1, 3, 10, 100, 1e4];
  let low = grid[0]!;
  let lowValue = npv(low);
  for (let i = 1; i < grid.length; i++) {
    const high = grid[i]!;
    const highValue = npv(high);
    if (lowValue === 0) return low;
    if (Math.sign(lowValue) !== Math.sign(highValue)) return bisect(npv, low, high, lowValue);
    low = high;
    lowValue = highValue;
  }
  return null;
}

function bisect(f: (x: number) => number, low: number, high: number, lowValue: number): number {
  let lo = low;
  let hi = high;
  let loValue = lowValue;
  for (let i = 0; i < 200 && hi - lo > 1e-14; i++) {
    const mid = (lo + hi) / 2;
    const midValue = f(mid);
    if (midValue === 0) return mid;
    if (Math.sign(midValue) === Math.sign(loValue)) {
      lo = mid;
      loValue = midValue;
    } else {
      hi = mid;
    }
  }
  return (lo + hi) / 2;
}

/** (1 + r)^12 − 1 */
export function annualise(monthlyRate: number): number {
  return Math.pow(1 + monthlyRate, 12) - 1;
}
