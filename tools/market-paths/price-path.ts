import { epochMs, price, type EpochMs, type Price } from '../../shared/units/units.ts';
import type { SeededRandom } from './seeded-random.ts';

/** One observation of a path: the time (epoch ms) and the price at that time. */
export interface PricePoint {
  readonly t: EpochMs;
  readonly price: Price;
}

/**
 * Volatility clustering as GARCH(1,1) on the per-step variance h:
 *   h[i] = omega + alpha * eps[i-1]^2 + beta * h[i-1],  omega = (1 - alpha - beta) * hLongRun
 * so the long-run variance stays sigmaAnnual^2 * dt and only its clustering changes.
 * alpha >= 0, beta >= 0, alpha + beta < 1. Crypto daily fits sit near alpha 0.1, beta 0.85.
 */
export interface Clustering {
  readonly alpha: number;
  readonly beta: number;
}

/**
 * Merton-style jumps: the count per step is Poisson(perDay * stepDays); each jump multiplies the
 * price by exp(N(meanLog, sdLog)), i.e. a log-normal factor (meanLog -0.02 is a ~2 % drop on average).
 * The drift is not compensated for the jumps' mean: a negative meanLog pulls the path down over time.
 */
export interface Jumps {
  readonly perDay: number;
  readonly meanLog: number;
  readonly sdLog: number;
}

export interface PricePathParams {
  /** Price at startMs, > 0. */
  readonly startPrice: number;
  /** Epoch ms of the first point. */
  readonly startMs: number;
  /** Nominal step, ms, >= 1. */
  readonly stepMs: number;
  /** Number of steps; the path has steps + 1 points (the start is included). */
  readonly steps: number;
  /** Annualised volatility of log returns (0.6 = 60 %/year), year = 365 days since crypto never closes. */
  readonly sigmaAnnual: number;
  /** Annualised drift mu of the GBM (ln S moves by (mu - h/2) per year-equivalent). Default 0. */
  readonly driftAnnual?: number;
  readonly clustering?: Clustering;
  readonly jumps?: Jumps;
  /** Irregular step times: each step lasts stepMs * (1 ± jitter * U), jitter in [0, 1). Default 0. */
  readonly jitter?: number;
}

/** A source of the diffusion shock for step i (N(0,1)); lets several paths share a market factor. */
export type ShockSource = (step: number) => number;

const MS_PER_YEAR = 365 * 24 * 3600 * 1000;
const MS_PER_DAY = 24 * 3600 * 1000;
// exp() of these stays finite and > 0 in doubles; a path that would leave them is clamped, not NaN.
const MIN_LOG_PRICE = Math.log(1e-12);
const MAX_LOG_PRICE = Math.log(1e15);

/**
 * A geometric-Brownian-motion price path with optional GARCH(1,1) volatility clustering, Poisson
 * log-normal jumps and irregular step times. Deterministic for a given rng state. Every price is
 * finite and > 0 (log price is clamped to [1e-12, 1e15]); times are integers, strictly increasing.
 * Throws RangeError on parameters that cannot describe a path (they are programmer input, not wire data).
 */
export function pricePath(
  params: PricePathParams,
  rng: SeededRandom,
  shock: ShockSource = () => rng.normal(),
): PricePoint[] {
  checkParams(params);
  const { startPrice, startMs, stepMs, steps, sigmaAnnual, clustering, jumps } = params;
  const drift = params.driftAnnual ?? 0;
  const jitter = params.jitter ?? 0;
  const nominalVariance = (sigmaAnnual * sigmaAnnual * stepMs) / MS_PER_YEAR;

  const points: PricePoint[] = [{ t: epochMs(Math.round(startMs)), price: price(startPrice) }];
  let t = Math.round(startMs);
  let logPrice = Math.log(startPrice);
  let variance = nominalVariance;
  let lastEps = 0;

  for (let i = 0; i < steps; i += 1) {
    const thisStepMs = jitter > 0 ? Math.max(1, Math.round(stepMs * (1 + jitter * (2 * rng.next() - 1)))) : stepMs;
    const scale = thisStepMs / stepMs;
    if (clustering !== undefined && i > 0) {
      variance =
        (1 - clustering.alpha - clustering.beta) * nominalVariance +
        clustering.alpha * lastEps * lastEps +
        clustering.beta * variance;
    }
    const stepVariance = variance * scale;
    const eps = Math.sqrt(stepVariance) * shock(i);
    // Keep eps per nominal step so GARCH's recursion does not depend on the jitter.
    lastEps = eps / Math.sqrt(scale);
    let move = (drift * thisStepMs) / MS_PER_YEAR - stepVariance / 2 + eps;
    if (jumps !== undefined) move += jumpMove(jumps, thisStepMs, rng);
    logPrice = Math.min(MAX_LOG_PRICE, Math.max(MIN_LOG_PRICE, logPrice + move));
    t += thisStepMs;
    points.push({ t: epochMs(t), price: price(Math.exp(logPrice)) });
  }
  return points;
}

function jumpMove(jumps: Jumps, stepMs: number, rng: SeededRandom): number {
  const count = poisson((jumps.perDay * stepMs) / MS_PER_DAY, rng);
  let total = 0;
  for (let k = 0; k < count; k += 1) total += jumps.meanLog + jumps.sdLog * rng.normal();
  return total;
}

/** Knuth's product-of-uniforms sampler; fine for the small per-step rates paths use (checked <= 30). */
function poisson(lambda: number, rng: SeededRandom): number {
  if (lambda <= 0) return 0;
  const limit = Math.exp(-lambda);
  let k = 0;
  let product = rng.next();
  while (product > limit) {
    k += 1;
    product *= rng.next();
  }
  return k;
}

function checkParams(p: PricePathParams): void {
  const fail = (what: string): never => {
    throw new RangeError(`pricePath: ${what}`);
  };
  if (!(Number.isFinite(p.startPrice) && p.startPrice > 0)) fail(`startPrice must be > 0, got ${p.startPrice}`);
  if (!Number.isFinite(p.startMs)) fail('startMs must be finite');
  if (!(Number.isFinite(p.stepMs) && p.stepMs >= 1)) fail(`stepMs must be >= 1, got ${p.stepMs}`);
  if (!(Number.isInteger(p.steps) && p.steps >= 0)) fail(`steps must be a non-negative integer, got ${p.steps}`);
  if (!(Number.isFinite(p.sigmaAnnual) && p.sigmaAnnual >= 0)) fail(`sigmaAnnual must be >= 0, got ${p.sigmaAnnual}`);
  if (p.driftAnnual !== undefined && !Number.isFinite(p.driftAnnual)) fail('driftAnnual must be finite');
  if (p.jitter !== undefined && !(p.jitter >= 0 && p.jitter < 1)) fail(`jitter must be in [0, 1), got ${p.jitter}`);
  const c = p.clustering;
  if (c !== undefined && !(c.alpha >= 0 && c.beta >= 0 && c.alpha + c.beta < 1)) {
    fail('clustering needs alpha >= 0, beta >= 0, alpha + beta < 1');
  }
  const j = p.jumps;
  if (j !== undefined) {
    if (!(Number.isFinite(j.perDay) && j.perDay >= 0)) fail('jumps.perDay must be >= 0');
    if ((j.perDay * p.stepMs * 2) / MS_PER_DAY > 30) fail('jumps.perDay too high for this stepMs');
    if (!(Number.isFinite(j.meanLog) && Number.isFinite(j.sdLog) && j.sdLog >= 0)) fail('jumps need finite meanLog, sdLog >= 0');
  }
}
