/**
 * The correlation of the symbols in one account, so that a long and a short in coins that move
 * together are not counted as twice the risk (and two longs not as independent bets).
 *
 * Marks arrive per symbol at their own times, and correlating returns measured over different
 * intervals understates correlation (the Epps effect). So returns are sampled on a common grid: when
 * `sampleEveryMs` has passed since the last sample, every symbol's return is taken from its mark at the
 * last sample to its latest mark. The sums
 *   C_ij = sum of decay * r_i * r_j
 * decay with the elapsed time like the volatility estimate (half-life), and the sample correlation is
 * C_ij / sqrt(C_ii C_jj). Only the correlation is taken from here; each symbol's own volatility comes
 * from its tick-by-tick estimate (volatility.ts), which sees every tick and has the floor.
 *
 * Prior. With few samples the estimate is shrunk towards a matrix with `priorCorrelation` off the
 * diagonal: R = (1 - lambda) R_sample + lambda R_prior, lambda = priorWeightMs / (priorWeightMs + W)
 * where W is the decayed time the samples span. Both matrices are positive semi-definite (the sample
 * one because every sample holds every symbol), so R is too, and an equity variance from it is never
 * negative. A symbol that joins starts the sums afresh (its history with the others is unknown); one
 * that leaves is dropped from them.
 */

export interface CorrelationOptions {
  readonly sampleEveryMs: number;
  readonly halfLifeMs: number;
  /** Correlation assumed before data; crypto majors sit around 0.6 to 0.9. */
  readonly priorCorrelation: number;
  readonly priorWeightMs: number;
}

export const DEFAULT_CORRELATION_OPTIONS: CorrelationOptions = {
  sampleEveryMs: 60_000,
  halfLifeMs: 24 * 3_600_000,
  priorCorrelation: 0.6,
  priorWeightMs: 6 * 3_600_000,
};

export interface CorrelationState {
  /** The symbols, in the order of the rows of `sums`. */
  readonly symbols: readonly string[];
  /** Log marks at the last sample (null before the first), one per symbol. */
  readonly anchor: readonly number[] | null;
  readonly anchorT: number | null;
  /** Row-major n x n decayed sums of r_i r_j. */
  readonly sums: readonly number[];
  /** Decayed time the samples span, ms. */
  readonly sumMs: number;
}

export function emptyCorrelation(symbols: readonly string[]): CorrelationState {
  const unique = [...new Set(symbols)].sort();
  return { symbols: unique, anchor: null, anchorT: null, sums: new Array<number>(unique.length ** 2).fill(0), sumMs: 0 };
}

/**
 * The same state over another set of symbols: kept sums for the symbols that stay; if any symbol is
 * new, the sums start afresh (see the prior). Returns the state itself when the set is unchanged.
 */
export function correlationFor(state: CorrelationState, symbols: readonly string[]): CorrelationState {
  const wanted = [...new Set(symbols)].sort();
  if (wanted.length === state.symbols.length && wanted.every((s, i) => s === state.symbols[i])) return state;
  if (wanted.some((s) => !state.symbols.includes(s))) return emptyCorrelation(wanted);
  const index = wanted.map((s) => state.symbols.indexOf(s));
  const n = state.symbols.length;
  const sums = index.flatMap((i) => index.map((j) => state.sums[i * n + j] ?? 0));
  const anchor = state.anchor === null ? null : index.map((i) => state.anchor?.[i] ?? 0);
  return { symbols: wanted, anchor, anchorT: state.anchorT, sums, sumMs: state.sumMs };
}

/**
 * Offers the latest marks at tMs. A sample is taken when sampleEveryMs has passed since the last one
 * and every symbol has a finite, positive mark; otherwise the state is returned unchanged.
 */
export function updateCorrelation(
  state: CorrelationState,
  marks: Readonly<Record<string, number>>,
  tMs: number,
  options: CorrelationOptions,
): CorrelationState {
  // Between samples nothing changes: return before touching the marks (this runs on every tick).
  if (state.anchorT !== null && !(tMs - state.anchorT >= options.sampleEveryMs)) return state;
  const logs: number[] = [];
  for (const symbol of state.symbols) {
    const mark = marks[symbol];
    if (mark === undefined || !(mark > 0 && Number.isFinite(mark))) return state;
    logs.push(Math.log(mark));
  }
  if (state.anchor === null || state.anchorT === null) return { ...state, anchor: logs, anchorT: tMs };
  const dt = tMs - state.anchorT;
  const returns = logs.map((l, i) => l - (state.anchor?.[i] ?? l));
  const decay = 2 ** (-dt / options.halfLifeMs);
  const n = returns.length;
  const sums = state.sums.map((c, k) => c * decay + (returns[Math.floor(k / n)] ?? 0) * (returns[k % n] ?? 0));
  return { ...state, anchor: logs, anchorT: tMs, sums, sumMs: state.sumMs * decay + dt };
}

/** The shrunk correlation of two symbols (1 for a symbol with itself; the prior for an unknown one). */
export function correlationOf(state: CorrelationState, a: string, b: string, options: CorrelationOptions): number {
  if (a === b) return 1;
  const index = indexOf(state.symbols);
  const i = index.get(a);
  const j = index.get(b);
  if (i === undefined || j === undefined) return options.priorCorrelation;
  return shrunk(state, i, j, options);
}

function shrunk(state: CorrelationState, i: number, j: number, options: CorrelationOptions): number {
  const n = state.symbols.length;
  const cii = state.sums[i * n + i] ?? 0;
  const cjj = state.sums[j * n + j] ?? 0;
  const cij = state.sums[i * n + j] ?? 0;
  const sample = cii > 0 && cjj > 0 ? Math.max(-1, Math.min(1, cij / Math.sqrt(cii * cjj))) : options.priorCorrelation;
  const lambda = options.priorWeightMs / (options.priorWeightMs + state.sumMs);
  return (1 - lambda) * sample + lambda * options.priorCorrelation;
}

// A state's symbol list is shared by every state until the symbols change: its index is built once.
const indexes = new WeakMap<readonly string[], ReadonlyMap<string, number>>();
function indexOf(symbols: readonly string[]): ReadonlyMap<string, number> {
  let index = indexes.get(symbols);
  if (index === undefined) {
    index = new Map(symbols.map((s, i) => [s, i]));
    indexes.set(symbols, index);
  }
  return index;
}

// The state changes once per sample (a minute) while the account is evaluated on every batch: the
// matrix of the pool's symbols is kept beside the state it was computed from (state stays plain data).
const matrices = new WeakMap<CorrelationState, { readonly symbols: readonly string[]; readonly matrix: Float64Array }>();

/**
 * Every pair of `symbols` at once, row-major n x n (`correlationOf` of each pair, 1 on the diagonal):
 * what the cross pool's projection needs. The array is shared between callers of the same state and
 * symbols: read it, never write it.
 */
export function correlationMatrix(state: CorrelationState, symbols: readonly string[], options: CorrelationOptions): Float64Array {
  const kept = matrices.get(state);
  if (kept !== undefined && kept.symbols.length === symbols.length && kept.symbols.every((s, i) => s === symbols[i])) return kept.matrix;
  const n = symbols.length;
  const index = indexOf(state.symbols);
  const rows = symbols.map((s) => index.get(s));
  const matrix = new Float64Array(n * n);
  for (let a = 0; a < n; a += 1) {
    const i = rows[a];
    for (let b = 0; b < n; b += 1) {
      const j = rows[b];
      matrix[a * n + b] =
        a === b || symbols[a] === symbols[b] ? 1 : i === undefined || j === undefined ? options.priorCorrelation : shrunk(state, i, j, options);
    }
  }
  matrices.set(state, { symbols: [...symbols], matrix });
  return matrix;
}
