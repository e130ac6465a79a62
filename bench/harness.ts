/** A small benchmark harness: warm-up, repeated timed runs, median and best, target checks. */
export interface Measurement {
  readonly name: string;
  readonly medianMs: number;
  readonly bestMs: number;
  readonly runs: number;
}

export function measure(name: string, runs: number, fn: () => unknown, warmup = 2): Measurement {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { name, medianMs: times[Math.floor(times.length / 2)]!, bestMs: times[0]!, runs };
}

export function report(m: Measurement, extra = ''): void {
  console.log(
    `  ${m.name.padEnd(58)} median ${m.medianMs.toFixed(2).padStart(9)} ms   best ${m.bestMs.toFixed(2).padStart(9)} ms  (${m.runs} runs)${extra}`,
  );
}

export function verdict(
  label: string,
  value: number,
  target: number,
  unit: string,
  lowerIsBetter = true,
): boolean {
  const ok = lowerIsBetter ? value <= target : value >= target;
  console.log(
    `  ${ok ? 'PASS' : 'MISS'} ${label}: ${value.toFixed(2)} ${unit} (target ${lowerIsBetter ? '≤' : '≥'} ${target} ${unit})`,
  );
  return ok;
}

// The seeded generator lives with the fixtures that need it too (libs/cache's portfolio history).
export { random } from '@cvf/platform/testing';
