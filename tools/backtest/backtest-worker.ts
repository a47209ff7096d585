import { parentPort, workerData } from 'node:worker_threads';
import { playIndices, type BacktestOptions } from './run-backtest.ts';

/** A worker's share of the paths: plays the indices it is given and posts their outcomes back. */
const { indices, options } = workerData as { indices: number[]; options: BacktestOptions };
parentPort?.postMessage(playIndices(indices, options));
