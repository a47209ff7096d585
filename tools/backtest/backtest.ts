import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { choiceFlag, numberFlag, parseCommandLine, switchFlag, textFlag, type FlagTable } from '../cli/cli-flags.ts';
import { runCli } from '../cli/read-json-input.ts';
import { backtestReport } from './backtest-figures.ts';
import { backtestTable } from './backtest-table.ts';
import { monitorOptionsFor, predictSpecProblem, settingsOf, TERM_CHOICES, type TermChoice } from './forecast-settings.ts';
import type { PathOutcome } from './play-path.ts';
import { playIndices, type BacktestOptions } from './run-backtest.ts';

/**
 * `npm run backtest -- [--paths N] [--seed S] [--delay-min M] [--workers W] [--trader topup|reduce|both] [--quick] [--json]`
 * Plays N seeded paths against varied accounts for the static exchange-style margin call, our monitor and
 * the equal pairs (ours' money, or ours' reductions, up front, no alerts), one trader model for all (it
 * tops up or reduces), and prints the figures and the frontiers (docs/backtest.md). The outcome depends
 * only on N, S and M: paths are split across worker threads by index and put back in order.
 */

/** Two of every family x leverage x account-shape combination (5 x 5 x 4). */
export const DEFAULT_PATHS = 200;
/** --quick: a run small enough for a test on two shared cores. */
export const QUICK_PATHS = 20;
const QUICK_TARGETS = [0.3, 0.5];
const QUICK_RULES = [
  { horizonSec: 3600, threshold: 0.25 },
  { horizonSec: 3600, threshold: 0.5 },
];

const TRADER_CHOICES = ['topup', 'reduce', 'both'] as const;
type TraderChoice = (typeof TRADER_CHOICES)[number];

/** The backtest's flags: one line each (tools/cli/cli-flags.ts). */
const FLAGS = {
  paths: numberFlag('N', `paths to play (default ${DEFAULT_PATHS})`, (n) => Number.isInteger(n) && n > 0 && n <= 100_000, 'an integer in 1..100000'),
  seed: numberFlag('S', 'seed of the paths and accounts (default 1)', Number.isSafeInteger, 'an integer'),
  delayMin: numberFlag('M', 'minutes a trader needs to act (default 10)', (n) => n >= 0 && n <= 24 * 60, 'minutes in 0..1440'),
  workers: numberFlag('W', 'worker threads (default up to 2)', (n) => Number.isInteger(n) && n >= 1 && n <= 64, 'an integer in 1..64'),
  trader: choiceFlag('WHO', 'the trader: topup (adds collateral), reduce (closes the engine\'s reduction) or both (default)', TRADER_CHOICES),
  terms: choiceFlag('T', `forecast terms beside the diffusion: ${TERM_CHOICES.join(', ')} (default both)`, TERM_CHOICES),
  predict: textFlag('H:P[,H:P..]', "every predict rule (or each, in ladder order) at H hours, threshold P (default: the ladder's)", (s) => predictSpecProblem(s) === null, 'H:P or one H:P per predicting tier'),
  json: switchFlag('print the figures as JSON'),
  quick: switchFlag(`${QUICK_PATHS} paths (unless --paths), two sizing targets, two forecast rules: for tests`),
} satisfies FlagTable;

interface Args {
  readonly paths: number;
  readonly seed: number;
  readonly delayMin: number;
  readonly workers: number;
  readonly json: boolean;
  readonly quick: boolean;
  readonly terms: TermChoice;
  readonly predict: string | null;
  readonly trader: TraderChoice;
}

function parseArgs(argv: readonly string[]): Args {
  const { flags } = parseCommandLine(argv, { command: 'npm run backtest --', positionals: [] }, FLAGS);
  return {
    paths: flags.paths ?? (flags.quick === true ? QUICK_PATHS : DEFAULT_PATHS),
    seed: flags.seed ?? 1,
    delayMin: flags.delayMin ?? 10,
    workers: flags.workers ?? Math.min(2, availableParallelism()),
    json: flags.json ?? false,
    quick: flags.quick ?? false,
    terms: flags.terms ?? 'both',
    predict: flags.predict ?? null,
    trader: flags.trader ?? 'both',
  };
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
  const options: BacktestOptions = {
    paths: args.paths,
    seed: args.seed,
    delayMs: args.delayMin * 60_000,
    monitor: monitorOptionsFor(args.terms, args.predict),
    traders: args.trader === 'both' ? ['topup', 'reduce'] : [args.trader],
    ...(args.quick ? { targets: QUICK_TARGETS, forecastRules: QUICK_RULES } : {}),
  };
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
      const report = backtestReport(outcomes, args.seed, args.delayMin, settingsOf(args.terms, args.predict));
      const elapsedSec = (performance.now() - started) / 1000;
      const text = args.json ? JSON.stringify(report, null, 2) : backtestTable(report, elapsedSec);
      process.stdout.write(`${text}\n`);
    },
    (e: unknown) => {
      process.stderr.write(`internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 2;
    },
  );
});
