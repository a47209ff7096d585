import type { FeedEvent } from '../positions/feed-notices.ts';
import type { MonitorView } from './account-monitor.ts';

/**
 * The price band inside which no position's tier can change, per symbol: the nearest tier prices below
 * and above the symbol's last evaluated mark (every ladder level and liquidation, of every position on the
 * symbol, every other symbol held at its mark). The homes coalesce marks for up to a batch window; a mark
 * that leaves its band may have crossed a tier, so its batch is handed on at once instead
 * (shared/feed/event-batcher.ts, `endsBatch`), and the notice it raises does not wait for the window.
 *
 * Plain data, rebuilt from each evaluation: the tier prices are the evaluation's own (`PositionRisk`,
 * the ones a report shows), so the band costs nothing where the report is built per batch.
 *
 * What it does not promise (each only costs the wait for the window, never a decision): in a cross pool
 * two symbols moving together can take rho across a level while each stays inside its own band; leaving
 * a tier (rho below its level less the hysteresis) and the predictive alerts' odds move inside the band.
 * Where a level has two roots (a hedge) the evaluation gives the one nearer the mark.
 */
export interface PriceBand {
  /** The highest tier price below the mark; null: none (no tier that way). */
  readonly below: number | null;
  /** The lowest tier price above the mark; null: none. */
  readonly above: number | null;
}

/** Symbol -> its band. A symbol the account does not hold has none (its marks cannot move a tier). */
export type TierBand = Readonly<Record<string, PriceBand>>;

/** The band of an evaluation (null, before the first one: no band, nothing is handed on early). */
export function tierBand(view: Pick<MonitorView, 'risk'> | null): TierBand {
  const band: Record<string, { below: number | null; above: number | null }> = {};
  if (view === null) return band;
  for (const p of view.risk.positions) {
    const b = (band[p.symbol] ??= { below: null, above: null });
    for (const price of Object.values(p.tierPrices)) {
      if (price === null || !Number.isFinite(price)) continue;
      // A mark exactly on a tier price: any move may cross, so both edges close on it.
      if (price <= p.markPrice) b.below = b.below === null ? price : Math.max(b.below, price);
      if (price >= p.markPrice) b.above = b.above === null ? price : Math.min(b.above, price);
    }
  }
  return band;
}

/** True when `price` is on or past an edge of the symbol's band: a tier may have been crossed. */
export function leavesTierBand(band: TierBand, symbol: string, price: number): boolean {
  const b = band[symbol];
  if (b === undefined) return false;
  return (b.below !== null && price <= b.below) || (b.above !== null && price >= b.above);
}

/** The batcher's `endsBatch` for a home: a mark that leaves its symbol's band. */
export const isMarkLeavingBand = (band: TierBand, event: FeedEvent): boolean =>
  event.kind === 'venue' && event.event.kind === 'mark' && leavesTierBand(band, event.event.symbol, event.event.price);
