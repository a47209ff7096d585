import type { TierRule } from '../alerts/alert-ladder.ts';
import { levelKey } from '../alerts/alert-ladder.ts';
import type { SubjectAlertState } from '../alerts/subject-alerts.ts';
import { crossSubject, isolatedSubject } from '../alerts/subject-key.ts';
import { tierPriceOf, type PositionRisk } from '../margin/evaluate-account.ts';
import { unrealisedPnl, type Position } from '../positions/account.ts';
import { fundingStepOf } from '../projection/funding-step.ts';
import { marketShape } from '../projection/market-shape.ts';
import { normalQuantile, roughNormalQuantile } from '../projection/normal-distribution.ts';
import { positionBarrierProbability, positionTierBarrier } from '../projection/position-projection.ts';
import { emptyVolatility, varianceCurve } from '../projection/volatility.ts';
import type { Monitor } from './account-monitor.ts';
import { narrow, type TierBand } from './tier-band.ts';

/**
 * The price band, per symbol, inside which no predictive rule changes its state: while every symbol's
 * mark stays strictly inside it, no subject's open prediction is withdrawn and none fires, with the
 * monitor's other inputs held. The tier band's companion (tier-band.ts): the relay steps a monitor at
 * once when a mark leaves either band, and one inside both only at its calm cadence.
 *
 * What a subject's forecast does next is read off its alert state: no prediction open, the policy fires
 * one when P(reach the target tier within the horizon) >= threshold; one open, it withdraws it when P
 * falls below threshold - predictionHysteresis (subject-alerts.ts). The target is the next predict tier
 * above the episode's peak: it moves only with the tier, which the tier band watches.
 *
 * Held (what the band is exact for): the volatility curves, the jump tails and trends, the correlations,
 * the funding notices, the account (positions, wallet), the tier and the peak. The estimates take a
 * return once a minute per symbol (volatility.ts, jump-tail.ts, trend.ts, correlation.ts), at the first
 * mark a minute past their anchor, and between those marks they do not move: the band's `untilMs` is
 * the next of those times, so the monitor is stepped at that mark, as one stepped at every mark would
 * be, and the band is drawn again from the new estimates. (Before, a monitor inside its band took that
 * return at its next calm step, seconds and ticks later, and its estimates drifted from the every-mark
 * monitor's; the band was drawn within 0.1 of the odds' threshold and 0.5 % of the mark to absorb it,
 * and still forecasts came up to 2.6 s late: docs/relay-load-log.md, "Session 17".)
 *
 * - One symbol (an isolated position, or a cross pool holding one symbol): P is the engine's own
 *   first-passage function of the log distance d from the mark to the tier price (position-projection.ts,
 *   with the same curve, shape and funding step), decreasing in d, and the tier price does not depend on
 *   the mark. So the edge is the d where P meets the threshold, found by closing in on that function
 *   (closeIn: to the width of 16 halvings), kept on the safe side of the bracket: exact up to its width.
 * - A cross pool of several symbols: P = 2 Phi(-z), z = D / sd, D the buffer's distance (USDT) to the
 *   tier, sd its spread over the horizon (buffer-reach.ts, no shape or funding step there). With the
 *   distance's curvature factor c = D / B and sd held, z is proportional to the buffer B = E - R / L, so
 *   P meets the threshold where B = B0 z* / z0: where the pool's rho with the wallet less that buffer
 *   crosses L. That is a tier band's crossing, and tier-band.ts shares it out between the symbols as
 *   it does for a tier. c and sd move with the marks (the buffer's gradient is qty x mark per symbol,
 *   plus a bracket's small step): each symbol's band is kept within POOL_CAP of its mark, and the
 *   buffer is widened by POOL_MARGIN to cover them (the property test checks it, forecast-band.test.ts).
 *
 * Where none of this applies (a subject at or through its target, odds already past the threshold they
 * are compared with, a pool's odds within its margin), the band of the subject's symbols is their mark
 * on both sides: every mark of them is stepped at once.
 * Plain data, rebuilt after every step.
 */
export interface ForecastBand {
  readonly band: TierBand;
  /**
   * When a held input changes with time alone: the estimates' next minute return (at the first mark at
   * or after it), a funding payment entering a forecast's horizon (the odds step up), or being paid.
   * null: none. A monitor is due by then, in or out of the band.
   */
  readonly untilMs: number | null;
}

/** For a pool of several symbols: how far each mark may move inside the band, relative. */
export const POOL_CAP = 0.02;
/** For a pool of several symbols: the buffer's distance to the edge widened by this (covers c and sd moving with the marks within POOL_CAP). */
export const POOL_MARGIN = 0.08;
/** Odds this small are a distance of at least this many sd: used instead (a nearer edge, never a farther one). */
const FAR_Z = 7;
const HALVINGS = 16;

type Edges = { below: number | null; above: number | null };

/** The forecast band of a monitor after its last step; null before its first evaluation (no band: step every mark). */
export function forecastBand(monitor: Pick<Monitor, 'account' | 'config' | 'state' | 'view'>): ForecastBand | null {
  const { account, config, state, view } = monitor;
  if (view === null) return null;
  const band: Record<string, Edges> = {};
  const { ladder, predictionHysteresis } = config.policy;
  let untilMs: number | null = null;
  const cross: number[] = [];
  for (let i = 0; i < account.positions.length; i += 1) if (account.positions[i]!.marginMode === 'cross') cross.push(i);
  const subjects: { readonly key: string; readonly indices: readonly number[] }[] = [];
  if (cross.length > 0) subjects.push({ key: crossSubject(config.accountId), indices: cross });
  for (let i = 0; i < account.positions.length; i += 1) {
    const p = account.positions[i]!;
    if (p.marginMode === 'isolated') subjects.push({ key: isolatedSubject(config.accountId, p.symbol, p.side), indices: [i] });
  }
  for (const { key, indices } of subjects) {
    const alert = state.alerts.subjects[key];
    const target = targetOf(ladder, alert);
    if (target === null) continue;
    const rule = target.rule;
    const predict = rule.predict!;
    const open = alert?.prediction !== null && alert?.prediction !== undefined && alert.prediction.tierIndex === target.index;
    const pCrit = open ? predict.threshold - predictionHysteresis : predict.threshold;
    // An open prediction whose odds cannot fall below 0 is never withdrawn by the odds.
    if (open && !(pCrit > 0)) continue;
    const positions = indices.map((i) => account.positions[i]!);
    const k = view.risk.levels.indexOf(rule.level);
    const fact = view.facts.find((f) => f.subject === key);
    if (k < 0 || fact === undefined) {
      for (const p of positions) everyMark(band, p);
      continue;
    }
    const p0 = fact.searches.probability(levelKey(rule.level), predict.horizonSec);
    const pooled = !positions.every((p) => p.symbol === positions[0]!.symbol);
    if (!pooled) {
      const done = singleSymbol(band, monitor, indices[0]!, rule.level, predict.horizonSec, open, pCrit, p0);
      if (done === 'every') for (const p of positions) everyMark(band, p);
      // The tier out of reach: no odds to watch, wherever the mark goes.
      if (done === 'none') continue;
      const notice = state.funding[positions[0]!.symbol];
      if (notice !== undefined) untilMs = earliest(untilMs, view.t, [notice.timeMs - predict.horizonSec * 1000, notice.timeMs]);
    } else if (!pool(band, monitor, positions, rule.level, open, pCrit, p0)) for (const p of positions) everyMark(band, p);
    untilMs = earliest(untilMs, view.t, nextEstimates(monitor, positions, pooled));
  }
  return { band, untilMs };
}

/**
 * Whether the band drawn for `before` still holds for `after`, one step later, when that step's marks
 * stayed inside it and came before its time, with the same config and exposure (the caller checks
 * those): everything else the band reads is the same. The estimates and funding notices are the same
 * objects (the monitor keeps them when nothing moved them), and so are each subject's tier, peak and
 * open prediction. The band's edges hold for any marks inside them with those inputs held, wherever
 * the marks were when it was drawn (the property test steps a monitor so and checks them), and its time
 * is still ahead. The relay skips the rebuild after its calm steps, a sixth of a step's time.
 */
export function forecastBandHolds(before: Pick<Monitor, 'state'>, after: Pick<Monitor, 'state'>): boolean {
  const a = before.state;
  const b = after.state;
  if (a.volatility !== b.volatility || a.shape !== b.shape || a.correlation !== b.correlation || a.funding !== b.funding || a.stale !== b.stale) return false;
  const was = a.alerts.subjects;
  const now = b.alerts.subjects;
  let count = 0;
  for (const key in now) {
    if (!Object.hasOwn(now, key)) continue;
    count += 1;
    const x = was[key];
    const y = now[key]!;
    if (x === undefined || x.tierIndex !== y.tierIndex || x.peakTierIndex !== y.peakTierIndex || (x.prediction?.tierIndex ?? null) !== (y.prediction?.tierIndex ?? null)) return false;
  }
  for (const key in was) if (Object.hasOwn(was, key)) count -= 1;
  return count === 0;
}

/**
 * When the odds' estimates for these positions' symbols next move: each takes a return once a minute
 * has passed since its anchor (volatility.ts, jump-tail.ts, trend.ts; a pool's correlation, with
 * `pool`), at the first mark past it. In a flash market that one return is most of the odds' move
 * (a minute's 40-sigma return enters the variance at once), and a monitor stepped at the calm cadence
 * took it up to a cadence late, from a later tick: its forecast came seconds after the reference's
 * (relay/bench/forecast-lag.bench.ts).
 */
function nextEstimates(monitor: Pick<Monitor, 'config' | 'state'>, positions: readonly Position[], pool: boolean): number[] {
  const { config, state } = monitor;
  const times: number[] = [];
  const terms = config.forecastTerms;
  for (const { symbol } of positions) {
    const volatility = state.volatility[symbol];
    if (volatility?.anchorT != null) times.push(volatility.anchorT + config.volatility.minReturnMs);
    const shape = state.shape[symbol];
    if (shape === undefined) continue;
    if (terms.jumps !== null && shape.jumps.anchorT !== null) times.push(shape.jumps.anchorT + terms.jumps.minReturnMs);
    if (terms.trend !== null && shape.trend.anchorT !== null) times.push(shape.trend.anchorT + terms.trend.minReturnMs);
  }
  if (pool && state.correlation.anchorT !== null) times.push(state.correlation.anchorT + config.correlation.sampleEveryMs);
  return times;
}

/** The rule the subject's next step compares odds with: the next predict tier above its peak (subject-alerts.ts). */
function targetOf(ladder: readonly TierRule[], alert: SubjectAlertState | undefined): { index: number; rule: TierRule } | null {
  const peak = alert?.peakTierIndex ?? -1;
  for (let i = peak + 1; i < ladder.length; i += 1) {
    const rule = ladder[i]!;
    if (rule.predict !== null) return { index: i, rule };
  }
  return null;
}

/** The earliest of `times` after `now`, or `until`. */
function earliest(until: number | null, now: number, times: readonly number[]): number | null {
  let t = until;
  for (const x of times) if (x > now && (t === null || x < t)) t = x;
  return t;
}

/** No band for this position's symbol: every mark of it is stepped at once. */
function everyMark(band: Record<string, Edges>, p: Position): void {
  band[p.symbol] = { below: p.markPrice, above: p.markPrice };
}

function tighten(band: Record<string, Edges>, symbol: string, side: 'below' | 'above', price: number): void {
  const edges = (band[symbol] ??= { below: null, above: null });
  if (side === 'below') edges.below = edges.below === null ? price : Math.max(edges.below, price);
  else edges.above = edges.above === null ? price : Math.min(edges.above, price);
}

/**
 * One symbol's subject: the edge in log distance to the tier price. 'none': no odds edge on this side
 * of anything (the tier out of reach); 'every': no band (at or through the tier, or the odds already
 * past what they are compared with); 'edge': an edge was set.
 */
function singleSymbol(
  band: Record<string, Edges>,
  monitor: Pick<Monitor, 'account' | 'config' | 'state' | 'view'>,
  i: number,
  level: number,
  horizonSec: number,
  open: boolean,
  pCrit: number,
  p0: number,
): 'none' | 'every' | 'edge' {
  const { config, state, view } = monitor;
  const searches = view!.searches;
  const risk = view!.risk.positions[i]!;
  const tierPrice = tierPriceOf(searches, i, level);
  // No price reaches the tier: P is 0 wherever the mark goes (an open forecast is withdrawn at once).
  if (tierPrice === null) return 'none';
  if (risk.riskRatio >= level || !(tierPrice > 0)) return 'every';
  const mark = risk.markPrice;
  const d0 = Math.abs(Math.log(tierPrice / mark));
  if (!(d0 > 0)) return 'every';
  if (open ? !(p0 >= pCrit) : !(p0 < pCrit)) return 'every';
  const sign = Math.sign(Math.log(tierPrice / mark));
  const curve = varianceCurve(state.volatility[risk.symbol] ?? emptyVolatility(config.volatility), config.volatility);
  const shape = marketShape(state.shape[risk.symbol], curve.fastPerSec / 1000, config.forecastTerms);
  const funding = fundingStepOf(risk.side, state.funding[risk.symbol], view!.t);
  const asIf: PositionRisk = { ...risk, riskRatio: 0 };
  const horizons = config.projectedHorizonsSec;
  // P with the mark at log distance d from the tier price, everything else as the engine holds it.
  const pAt = (d: number): number => positionBarrierProbability(positionTierBarrier(asIf, level, curve, shape, funding, mark * Math.exp(sign * d)), horizons, horizonSec);
  // The price at log distance d from the tier price, on the mark's side of it.
  const priceAt = (d: number): number => tierPrice * Math.exp(-sign * d);
  // lo: P >= pCrit there; hi: P < pCrit there (P falls with d).
  let lo: number;
  let hi: number;
  let pLo: number;
  let pHi: number;
  if (!open) {
    lo = 0;
    pLo = pAt(0);
    hi = d0;
    pHi = p0;
  } else {
    lo = d0;
    pLo = p0;
    hi = 2 * d0;
    while ((pHi = pAt(hi)) >= pCrit) {
      lo = hi;
      pLo = pHi;
      hi *= 2;
      if (hi > 40) return 'none'; // a factor e^40: the odds never fall that far on this axis
    }
  }
  [lo, hi] = closeIn(pAt, pCrit, lo, pLo, hi, pHi);
  // Towards the tier (the mark at hi or nearer) it may fire; away from it (at lo or farther) an open one may be withdrawn.
  const d = open ? lo : hi;
  const towardsTier: 'below' | 'above' = sign < 0 ? 'below' : 'above';
  const awayFromTier: 'below' | 'above' = sign < 0 ? 'above' : 'below';
  tighten(band, risk.symbol, open ? awayFromTier : towardsTier, priceAt(d));
  return 'edge';
}

/**
 * Narrows [lo, hi] (P(lo) >= pCrit > P(hi), P falling with d) to a width of (hi - lo) / 2^HALVINGS, as
 * that many halvings would, in far fewer evaluations of P (each a barrier's first-passage odds over the
 * horizons: 16 of them were a fifth of a wick step's CPU). The interpolation is in z, the distance in sd
 * at which 2 Phi(-z) = P: z is nearly linear in d (exactly so for a Brownian barrier), so regula falsi
 * lands next to the root; the Illinois step halves a stale end's value so that both ends close in; a
 * point is never placed nearer an end than a quarter of the target width, so a bracket about to close
 * closes on the next step. Each end is set only by P compared with pCrit, as the halvings were, so the
 * answer is on the same safe side; at worst (STEP_CAP) the bracket is wider, the band narrower.
 * `pLo` and `pHi` are P at the ends, as known (the mark's own odds at d0).
 */
function closeIn(pAt: (d: number) => number, pCrit: number, lo: number, pLo: number, hi: number, pHi: number): [number, number] {
  const width = (hi - lo) / 2 ** HALVINGS;
  // z to 4.5e-4 (enough to place a point): -Phi^-1(P / 2), 0 at P = 1, Infinity at P = 0.
  const zRough = (p: number): number => (p >= 1 ? 0 : p > 0 ? -roughNormalQuantile(p / 2) : Number.POSITIVE_INFINITY);
  const zCrit = zRough(pCrit);
  // >= 0 where P >= pCrit, up to the quantile's error (used only to place the next point).
  const g = (p: number): number => zCrit - zRough(p);
  let gLo = g(pLo);
  let gHi = g(pHi);
  let side = 0;
  for (let n = 0; n < STEP_CAP && hi - lo > width; n += 1) {
    let d = Number.isFinite(gLo) && Number.isFinite(gHi) && gLo > gHi ? (lo * gHi - hi * gLo) / (gHi - gLo) : (lo + hi) / 2;
    d = Math.min(hi - width / 4, Math.max(lo + width / 4, d));
    const p = pAt(d);
    if (p >= pCrit) {
      lo = d;
      gLo = Math.max(0, g(p));
      if (side === 1) gHi /= 2;
      side = 1;
    } else {
      hi = d;
      gHi = Math.min(0, g(p));
      if (side === -1) gLo /= 2;
      side = -1;
    }
  }
  return [lo, hi];
}

/** At most this many evaluations of P closing in (HALVINGS would do it by bisection; this bounds a pathological P). */
const STEP_CAP = 2 * HALVINGS;

/** A cross pool of several symbols (see the head of the file). False: no band for its symbols. */
function pool(band: Record<string, Edges>, monitor: Pick<Monitor, 'account' | 'config'>, positions: readonly Position[], level: number, open: boolean, pCrit: number, p0: number): boolean {
  const { account, config } = monitor;
  const model = config.model;
  let requirement = 0;
  let equity = account.walletBalance as number;
  for (const p of positions) {
    requirement += model.requirement(p, p.markPrice);
    equity += unrealisedPnl(p, p.markPrice);
  }
  // No requirement: no odds to move (P is 0 and stays 0 until the account changes).
  if (!(requirement > 0)) return true;
  const buffer = equity - requirement / level;
  if (!(buffer > 0) || !(p0 < 1)) return false;
  const z0 = p0 > 0 ? Math.min(FAR_Z, zOf(p0)) : FAR_Z;
  const zCrit = zOf(pCrit);
  if (open ? !(z0 <= zCrit) : !(z0 > zCrit * (1 + POOL_MARGIN))) return false;
  // The buffer at which z meets zCrit, c and sd held; widened towards the mark by the margin.
  const edge = open ? (buffer * zCrit) / z0 / (1 + POOL_MARGIN) : ((buffer * zCrit) / z0) * (1 + POOL_MARGIN);
  // rho with the wallet less `edge` crosses the level exactly where the buffer crosses `edge`: where
  // R - L (E - edge) = 0 (for an open forecast far in, E - edge may be below 0: the same sum).
  if (open && !(buffer < edge)) return false;
  const edges: Record<string, Edges> = {};
  narrow(edges, positions, model, (account.walletBalance as number) - edge, [level], true);
  for (const p of positions) {
    const mark = p.markPrice as number;
    const e = edges[p.symbol];
    tighten(band, p.symbol, 'below', Math.max(e?.below ?? 0, mark * (1 - POOL_CAP)));
    tighten(band, p.symbol, 'above', Math.min(e?.above ?? Number.POSITIVE_INFINITY, mark * (1 + POOL_CAP)));
  }
  return true;
}

/** The distance in sd at which 2 Phi(-z) = p. */
const zOf = (p: number): number => normalQuantile(1 - p / 2);
