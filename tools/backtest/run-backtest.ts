import { deriveSeed } from '../market-paths/seeded-random.ts';
import { recipeFor } from './backtest-accounts.ts';
import { backtestPath, DEFAULT_GRID, PATH_FAMILIES, type PathFamily, type PathGrid } from './backtest-paths.ts';
import { playPath, type PathOutcome, type PlayOptions } from './play-path.ts';

export interface BacktestOptions extends PlayOptions {
  readonly paths: number;
  readonly seed: number;
  /** The families to cycle through (all by default); a test may ask for `crash` only. */
  readonly families?: readonly PathFamily[];
  readonly grid?: PathGrid;
}

/**
 * Path i: family i mod F, account recipe from i, seed derived from (seed, i). Everything a path needs
 * is a function of its index, so any split of the indices across workers gives the same outcomes.
 */
export function playIndex(index: number, options: BacktestOptions): PathOutcome {
  const families = options.families ?? PATH_FAMILIES;
  const family = families[index % families.length] ?? 'calm';
  const path = backtestPath(family, deriveSeed(options.seed, `path-${index}`), options.grid ?? DEFAULT_GRID);
  return playPath(path, recipeFor(index, families.length), options);
}

export function playIndices(indices: readonly number[], options: BacktestOptions): PathOutcome[] {
  return indices.map((i) => playIndex(i, options));
}
