/**
 * Times a function as the median of several rounds, each long enough to swamp timer noise. Figures are
 * only ever reported as ratios against a baseline timed in the same run: these machines are noisy.
 */
export function nsPerCall(fn: () => unknown, rounds = 7, minRoundMs = 150): number {
  let iterations = 1;
  for (;;) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fn();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (ms >= minRoundMs) break;
    iterations *= 2;
  }
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fn();
    samples.push(Number(process.hrtime.bigint() - t0) / iterations);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

export interface BenchRow {
  readonly name: string;
  readonly ns: number;
}

/** Prints rows as multiples of the baseline row, which is printed first. */
export function report(title: string, baseline: BenchRow, rows: readonly BenchRow[]): void {
  console.log(`\n${title}`);
  console.log(`  baseline: ${baseline.name} = 1.00x (${(baseline.ns / 1000).toFixed(2)} µs on this run)`);
  for (const r of rows) console.log(`  ${r.name.padEnd(58)} ${(r.ns / baseline.ns).toFixed(2)}x`);
}

/**
 * CPU time of this process (user + system), ns. On a machine shared with other work, wall time counts
 * the time spent waiting for a core; CPU time counts only the work, so a ratio of two is steadier.
 */
const cpuNs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
};

/** Iterations of `fn` that take at least `minRoundMs` of CPU time. */
function calibrate(fn: () => unknown, minRoundMs: number): number {
  for (let iterations = 1; ; iterations *= 2) {
    const t0 = cpuNs();
    for (let i = 0; i < iterations; i++) fn();
    if ((cpuNs() - t0) / 1e6 >= minRoundMs) return iterations;
  }
}

function roundNs(fn: () => unknown, iterations: number): number {
  const t0 = cpuNs();
  for (let i = 0; i < iterations; i++) fn();
  return (cpuNs() - t0) / iterations;
}

/**
 * The cost of `subject` as a multiple of `baseline`, in CPU time, their rounds interleaved (baseline,
 * subject, baseline, ...) so that a burst of load from other processes falls on both: the median of
 * the per-round ratios, and each one's median CPU ns per call.
 */
export function pairedRatio(baseline: () => unknown, subject: () => unknown, rounds = 7, minRoundMs = 150): { ratio: number; baselineNs: number; subjectNs: number } {
  const nb = calibrate(baseline, minRoundMs);
  const ns = calibrate(subject, minRoundMs);
  const ratios: number[] = [];
  const b: number[] = [];
  const s: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const bn = roundNs(baseline, nb);
    const sn = roundNs(subject, ns);
    b.push(bn);
    s.push(sn);
    ratios.push(sn / bn);
  }
  const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? Number.NaN;
  return { ratio: median(ratios), baselineNs: median(b), subjectNs: median(s) };
}
