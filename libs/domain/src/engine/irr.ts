import { Dec } from '../shared/money';

/**
 * Internal rate of return of the fund's monthly cash flows: the monthly rate r > −1 with
 * NPV(r) = Σ flow[p] (1 + r)^-p = 0.
 *
 * NPV is searched as two polynomials on (0, 1], where no power grows, so a monthly rate of
 * 10^20 or of −0.999999 is as safe as 10%:
 * - r ≥ 0: with u = 1 / (1 + r), NPV = P(u) = Σ flow[p] u^p;
 * - r ≤ 0: with u = 1 + r, (1 + r)^n NPV = Q(u) = Σ flow[p] u^(n−p), of the same sign.
 *
 * What decides the answer is exact (Dec, on the exact flows): whether the flows change sign,
 * whether r = 0, and the bracket — each side walked from u = 1 (r = 0) outward, the rate
 * growing geometrically, down to Cauchy's bound below which its polynomial has no root, until
 * the polynomial changes sign. Inside that bracket the root is located in binary floating
 * point (Newton guarded by bisection), which pins a rate to ~15 digits at a small fraction of
 * the cost of 64-digit decimals (this runs for every cohort of every view); where the 6 reported decimals of the annual rate need more
 * digits than that (above 100% a month) it is polished by Newton in Dec.
 *
 * Flows with one sign change (every cohort: −investment, then collections) have exactly one
 * root (Descartes), found whatever its size. With several, the root nearest 0 on the scale of
 * 1 + r is taken (numpy-financial also prefers the smallest); two roots closer together than
 * the 0.1% first step may go unseen, as with any bracketing.
 *
 * Returns the monthly rate, or null when the flows never change sign or no root exists
 * (DOMAIN.md: "null when no sign change or no solution"). Deterministic, and bounded: at most
 * 64 expansions per side and 200 refinement steps.
 */
export function monthlyIrr(flows: readonly Dec[]): Dec | null {
  const first = flows.findIndex((flow) => !flow.isZero());
  const last = flows.findLastIndex((flow) => !flow.isZero());
  if (first < 0) return null;
  // Zero flows before the first and after the last one multiply P and Q by a power of
  // u > 0: they move no root.
  const coefficients = flows.slice(first, last + 1);
  const signChanges = countSignChanges(coefficients);
  if (signChanges === 0) return null;

  const atZero = coefficients.reduce((total, flow) => total.add(flow), ZERO); // P(1) = Q(1)
  if (atZero.isZero()) return ZERO;
  const positive = (): Side => side(coefficients, true);
  const negative = (): Side => side(coefficients.toReversed(), false);
  // One sign change: the one root lies on the side whose ends differ in sign (the positive
  // rates when NPV(0) and the first flow differ), and any bracket finds it, so the walk
  // starts coarse. Several: both sides, finely from r = 0.
  const bracket =
    signChanges === 1
      ? nearestBracket(
          [coefficients[0]!.isNeg() !== atZero.isNeg() ? positive() : negative()],
          atZero,
          COARSE_GROWTH,
        )
      : nearestBracket([positive(), negative()], atZero, FINE_GROWTH);
  if (bracket === null) return null;
  const u = locate(bracket);
  return bracket.side.positive ? ONE.div(u).sub(ONE) : u.sub(ONE);
}

/** (1 + r)^12 − 1 */
export function annualise(monthlyRate: Dec): Dec {
  return monthlyRate.add(ONE).pow(12).sub(ONE);
}

const ZERO = new Dec(0);
const ONE = new Dec(1);
const TWO = new Dec(2);
const COARSE_GROWTH = TWO;
const FINE_GROWTH = new Dec('1.001');
const MAX_EXPANSIONS = 64;
const MAX_REFINEMENTS = 200;
/**
 * Below this u (r above 100% a month, an annual rate above 4095) the 6 reported decimals of
 * the annual rate need more digits than a double's ~15.
 */
const BEYOND_DOUBLE = new Dec('0.5');
/** A Dec Newton step this small (relative) leaves an error of about its square. */
const POLISHED = new Dec('1e-32');

/** One half of the rate line as a polynomial on u ∈ (0, 1], coefficients by ascending power. */
interface Side {
  readonly coefficients: readonly Dec[];
  /** r ≥ 0, u = 1 / (1 + r): P; else r ≤ 0, u = 1 + r: Q. */
  readonly positive: boolean;
  /** Cauchy's bound: every root u > floor. */
  readonly floor: Dec;
}

/** A root of `side` lies in (lo, hi): its polynomial is negative at exactly one end. */
interface Bracket {
  readonly side: Side;
  readonly lo: Dec;
  readonly hi: Dec;
  readonly negativeAtLo: boolean;
}

function side(coefficients: readonly Dec[], positive: boolean): Side {
  const constant = coefficients[0]!.abs();
  const largest = Dec.max(...coefficients.slice(1).map((c) => c.abs()));
  return {
    coefficients,
    positive,
    floor: constant.div(constant.add(largest)),
  };
}

/**
 * Walks the sides outward from u = 1 in turn, each step dividing u by a factor that squares
 * after every step (1.001, 1.002, 1.004, … or 2, 4, 16, …), down to each side's floor.
 */
function nearestBracket(sides: readonly Side[], atOne: Dec, growth: Dec): Bracket | null {
  const walks = sides.map((s) => ({ side: s, u: ONE, negative: atOne.isNeg(), done: false }));
  let factor = growth;
  for (let step = 0; step < MAX_EXPANSIONS && walks.some((w) => !w.done); step++) {
    for (const walk of walks) {
      if (walk.done) continue;
      let u = walk.u.div(factor);
      const last = step === MAX_EXPANSIONS - 1 || u.lte(walk.side.floor);
      if (last) u = walk.side.floor;
      const value = valueAt(walk.side.coefficients, u);
      if (value.isZero()) return { side: walk.side, lo: u, hi: u, negativeAtLo: false };
      if (value.isNeg() !== walk.negative) {
        return { side: walk.side, lo: u, hi: walk.u, negativeAtLo: value.isNeg() };
      }
      walk.u = u;
      walk.negative = value.isNeg();
      walk.done = last;
    }
    factor = factor.mul(factor);
  }
  return null;
}

/** The root inside the bracket, to a double's precision, or Dec's where that is not enough. */
function locate(bracket: Bracket): Dec {
  if (bracket.lo.eq(bracket.hi)) return bracket.lo;
  const lo = bracket.lo.toNumber();
  // Only to locate the root, the flows are read as doubles relative to the largest.
  const doubles = bracket.side.coefficients.map((c) => c.toNumber());
  const scale = Math.max(...doubles.map(Math.abs));
  const ratios = doubles.map((c) => c / scale);
  const u =
    lo > 0 && Number.isFinite(scale)
      ? new Dec(refine(ratios, lo, bracket.hi.toNumber(), bracket.negativeAtLo))
      : bisect(bracket); // a bracket below the smallest double: unreachable with real money
  return bracket.side.positive && u.lt(BEYOND_DOUBLE) ? polish(bracket, u) : u;
}

/**
 * Newton guarded by bisection (geometric while the bracket spans more than a factor 2), as
 * Numerical Recipes' rtsafe: Newton only while it lands inside the bracket and at least
 * halves the step before last.
 */
function refine(
  coefficients: readonly number[],
  low: number,
  high: number,
  negativeAtLo: boolean,
): number {
  let lo = low;
  let hi = high;
  let u = midpoint(lo, hi);
  let step = hi - lo;
  let stepBeforeLast = step;
  for (let i = 0; i < MAX_REFINEMENTS; i++) {
    let value = 0;
    let slope = 0;
    for (let k = coefficients.length - 1; k >= 0; k--) {
      slope = slope * u + value;
      value = value * u + coefficients[k]!;
    }
    if (value === 0) return u;
    if (value < 0 === negativeAtLo) lo = u;
    else hi = u;
    const next = u - value / slope;
    const newton =
      hi <= 2 * lo &&
      next > lo &&
      next < hi &&
      Math.abs(2 * value) <= Math.abs(stepBeforeLast * slope);
    stepBeforeLast = step;
    const taken = newton ? next : midpoint(lo, hi);
    step = Math.abs(taken - u);
    if (step <= taken * Number.EPSILON || taken === lo || taken === hi) return taken;
    u = taken;
  }
  return u;
}

function midpoint(lo: number, hi: number): number {
  return hi > 2 * lo ? Math.sqrt(lo) * Math.sqrt(hi) : (lo + hi) / 2;
}

/** Geometric bisection in Dec, to a double's precision. */
function bisect(bracket: Bracket): Dec {
  const { coefficients } = bracket.side;
  let { lo, hi } = bracket;
  for (let i = 0; i < MAX_REFINEMENTS && hi.gt(lo.mul(1 + Number.EPSILON)); i++) {
    const mid = hi.gt(lo.mul(TWO)) ? lo.mul(hi).sqrt() : lo.add(hi).div(TWO);
    const value = valueAt(coefficients, mid);
    if (value.isZero()) return mid;
    if (value.isNeg() === bracket.negativeAtLo) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Newton in Dec from a root known to ~15 digits; kept only while it stays in the bracket. */
function polish(bracket: Bracket, start: Dec): Dec {
  const { coefficients } = bracket.side;
  let u = start;
  for (let i = 0; i < 4; i++) {
    const { value, slope } = evaluate(coefficients, u);
    if (value.isZero() || slope.isZero()) return u;
    const step = value.div(slope);
    const next = u.sub(step);
    if (!next.gt(bracket.lo) || !next.lt(bracket.hi)) return u;
    if (step.abs().lte(next.mul(POLISHED))) return next;
    u = next;
  }
  return u;
}

/** Horner: the polynomial at u. */
function valueAt(coefficients: readonly Dec[], u: Dec): Dec {
  let value = ZERO;
  for (let i = coefficients.length - 1; i >= 0; i--) value = value.mul(u).add(coefficients[i]!);
  return value;
}

/** Horner: the polynomial and its derivative at u. */
function evaluate(coefficients: readonly Dec[], u: Dec): { value: Dec; slope: Dec } {
  let value = ZERO;
  let slope = ZERO;
  for (let i = coefficients.length - 1; i >= 0; i--) {
    slope = slope.mul(u).add(value);
    value = value.mul(u).add(coefficients[i]!);
  }
  return { value, slope };
}

function countSignChanges(coefficients: readonly Dec[]): number {
  let changes = 0;
  let negative: boolean | null = null;
  for (const c of coefficients) {
    if (c.isZero()) continue;
    if (negative !== null && c.isNeg() !== negative) changes++;
    negative = c.isNeg();
  }
  return changes;
}
