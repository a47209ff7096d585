import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { runCli, UsageError } from '../cli/read-json-input.ts';
import { backtestReport } from './backtest-figures.ts';
import { backtestTable } from './backtest-table.ts';
import type { PathOutcome } from './play-path.ts';
import { playIndices, type BacktestOptions } from './run-backtest.ts';

/**
 * `npm run backtest -- [--paths N] [--seed S] [--delay-min M] [--workers W] [--json]`
 * Plays N seeded paths against varied accounts for the static exchange-style margin call and for our
 * monitor, and prints the figures (README, "Predictive alerts and the backtest"). The outcome depends
 * only on N, S and M: paths are split across worker threads by index and put back in order.
 */

/** Two of every family x leverage x account-shape combination (5 x 5 x 4). */
export const DEFAULT_PATHS = 200;

interface Args {
  readonly paths: number;
  readonly seed: number;
  readonly delayMin: number;
  readonly workers: number;
  readonly json: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args = { paths: DEFAULT_PATHS, seed: 1, delayMin: 10, workers: Math.min(2, availableParallelism()), json: false };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    if (flag === '--json') {
      args.json = true;
      continue;
    }
    const raw = argv[i + 1];
    const value = Number(raw);
    const need = (ok: boolean, rule: string) => {
      if (!ok) throw new UsageError(`${flag}: expected ${rule}, got ${JSON.stringify(raw ?? null)}`);
    };
    switch (flag) {
      case '--paths':
        need(Number.isInteger(value) && value > 0 && value <= 100_000, 'an integer in 1..100000');
        args.paths = value;
        break;
      case '--seed':
        need(Number.isInteger(value), 'an integer');
        args.seed = value;
        break;
      case '--delay-min':
        need(Number.isFinite(value) && value >= 0 && value <= 24 * 60, 'minutes in 0..1440');
        args.delayMin = value;
        break;
      case '--workers':
        need(Number.isInteger(value) && value >= 1 && value <= 64, 'an integer in 1..64');
        args.workers = value;
        break;
      default:
        throw new UsageError(`unknown option ${JSON.stringify(flag)}: use --paths N --seed S --delay-min M --workers W --json`);
    }
    i += 1;
  }
  return args;
}

/** Runs a share of the indices in a worker thread (TypeScript loaded through tsx's API in the worker). */
function inWorker(indices: number[], options: BacktestOptions): Promise<PathOutcome[]> {
  const entry = new URL('./backtest-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(boot, { eval: true, workerData: { indices, options } });
    worker.once('message', (outcomes: PathOutcome[]) => resolve(outcomes));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`backtest worker exited with ${code}`));
    });
  });
}

export async function runBacktest(args: Args): Promise<PathOutcome[]> {
  const options: BacktestOptions = { paths: args.paths, seed: args.seed, delayMs: args.delayMin * 60_000 };
  const all = Array.from({ length: args.paths }, (_, i) => i);
  if (args.workers <= 1 || args.paths < 2) return playIndices(all, options);
  const shares = Array.from({ length: Math.min(args.workers, args.paths) }, (_, w) => all.filter((i) => i % args.workers === w));
  // A worker that cannot start (no tsx loader where it runs) costs time, not the answer: play its share here.
  const results = await Promise.all(shares.map((indices) => inWorker(indices, options).catch(() => playIndices(indices, options))));
  const byIndex = new Map<number, PathOutcome>();
  shares.forEach((indices, w) => indices.forEach((index, j) => byIndex.set(index, results[w]?.[j] as PathOutcome)));
  return all.map((i) => byIndex.get(i) as PathOutcome);
}

runCli(() => {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  runBacktest(args).then(
    (outcomes) => {
      const report = backtestReport(outcomes, args.seed);
      const elapsedSec = (performance.now() - started) / 1000;
      const text = args.json ? JSON.stringify(report, null, 2) : backtestTable(report, outcomes, { delayMin: args.delayMin, elapsedSec });
      process.stdout.write(`${text}\n`);
    },
    (e: unknown) => {
      process.stderr.write(`internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 2;
    },
  );
});
