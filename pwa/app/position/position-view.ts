import type { VenueId } from '../../../shared/engine/positions/account.ts';
import type { AccountReport, PositionReport, SubjectReport } from '../../../shared/protocol/account-report.ts';
import { fmtDuration, fmtPrice, fmtProbability, fmtQty, fmtRho, fmtSigma, fmtUsdt, priceDecimals } from '../format.ts';
import type { Severity } from '../../../shared/engine/alerts/alert-ladder.ts';
import type { AccountEntry, AlertItem } from '../monitor-feed.ts';

/** One horizon's forecast of a tier: the odds of reaching it, and its distance in sigma (null: none to show). */
export interface ForecastCell {
  readonly odds: string;
  readonly sigma: string | null;
}

/** The Position detail's figures, chosen from the account report (pure, tested without a DOM). */
export interface ForecastRow {
  readonly tier: string;
  readonly price: string;
  /** One cell per horizon, same order as `horizons`. */
  readonly cells: readonly ForecastCell[];
  readonly median: string;
  /** 'reached' or 'out of reach' when that holds at every horizon: said once on the tier's line, with no
   * cells. Null: per horizon. */
  readonly whole: string | null;
}

export interface SuggestionLine {
  readonly what: string;
  /** What the action buys ("buys ρ 0.500; ..."), or why there is none: a sentence of its own. */
  readonly detail: string;
}

export interface PositionView {
  readonly entry: AccountEntry;
  readonly position: PositionReport;
  readonly subject: SubjectReport | undefined;
  readonly decimals: number;
  readonly horizons: readonly number[];
  readonly forecast: readonly ForecastRow[];
  readonly suggestions: readonly SuggestionLine[];
  readonly venueUrl: string;
  /** Price lines for the chart: entry, each tier with a price, liquidation. */
  readonly lines: ReadonlyArray<{ readonly title: string; readonly price: number; readonly kind: 'entry' | 'tier' | 'liquidation' }>;
}

/** The venue's trading page for a symbol (docs/venue-pages.md paths). */
export function venuePage(venue: VenueId, symbol: string): string {
  switch (venue) {
    case 'binance':
      return `https://www.binance.com/en/futures/${encodeURIComponent(symbol)}`;
    case 'bybit':
      return `https://www.bybit.com/trade/usdt/${encodeURIComponent(symbol)}`;
    case 'okx':
      return `https://www.okx.com/trade-swap/${encodeURIComponent(symbol.toLowerCase())}`;
    case 'hyperliquid':
      return `https://app.hyperliquid.xyz/trade/${encodeURIComponent(symbol)}`;
  }
}

/** A horizon as the product says it: "24 h", not "1.0 d". */
const horizonText = (sec: number): string => (sec % 3600 === 0 ? `${sec / 3600} h` : fmtDuration(sec));

const oddsAfter = (p: number | null, horizonSec: number | undefined): string =>
  p === null || horizonSec === undefined ? '' : `; P(liquidation within ${horizonText(horizonSec)}) ${fmtProbability(p)}`;

/**
 * What to do, the smallest action first: the top-up and the reduction back to the target, then the
 * top-up for the liquidation odds (as large as it is), then the stop to set in advance; each with what
 * it buys (rho, liquidation price, the odds).
 */
export function suggestionLines(subject: SubjectReport | undefined, position: PositionReport, decimals: number, reduced: PositionReport | undefined): SuggestionLine[] {
  if (subject === undefined) return [];
  const out: SuggestionLine[] = [];
  const horizon = subject.liquidationOdds?.horizonSec;
  const topUpLine = (t: SubjectReport['topUp'], what: string): void => {
    if (t.kind !== 'top-up') return;
    const liq = t.liquidationPricesAfter.find((l) => l.key === position.key);
    out.push({
      what: `${what} ${fmtUsdt(t.amountUsdt)} to the ${t.to}`,
      detail: `buys ρ ${t.riskRatioAfter === null ? 'still past liquidation' : fmtRho(t.riskRatioAfter)}; liquidation ${liq === undefined || liq.price === null ? 'none' : fmtPrice(liq.price, decimals)}${oddsAfter(t.liquidationOddsAfter, horizon)}`,
    });
  };
  topUpLine(subject.topUp, 'Add');
  const r = subject.reduction;
  if (r.kind === 'reduce') {
    out.push({
      what: `${r.closesPosition ? 'Close' : 'Reduce'} ${r.symbol} ${r.side}${r.closesPosition ? '' : ` by ${fmtQty(r.qty)}`} (fee ${fmtUsdt(r.feeUsdt)})`,
      detail: `buys ρ ${r.riskRatioAfter === null ? 'still past liquidation' : fmtRho(r.riskRatioAfter)}; liquidation of ${r.symbol} ${r.liquidationPriceAfter === null ? 'none' : fmtPrice(r.liquidationPriceAfter, reduced === undefined ? decimals : priceDecimals(reduced.markPrice))}${oddsAfter(r.liquidationOddsAfter, horizon)}`,
    });
  } else if (r.kind === 'unreachable') {
    out.push({ what: 'No reduction reaches the target', detail: r.reason });
  }
  const small = subject.topUp.kind === 'top-up' ? subject.topUp.amountUsdt : 0;
  if (subject.oddsTopUp.kind === 'top-up' && subject.oddsTopUp.amountUsdt > small) {
    topUpLine(subject.oddsTopUp, `For 1 % odds of liquidation in ${horizonText(horizon ?? 86_400)}: add`);
  }
  const s = position.protectiveStop;
  if (s.kind === 'stop') {
    out.push({
      what: `Stop in advance: reduce-only ${position.side === 'long' ? 'sell' : 'buy'} ${s.closesPosition ? 'all' : fmtQty(s.qty)} ${position.symbol} at ${fmtPrice(s.triggerPrice, decimals)}`,
      detail: `fills near ${fmtPrice(s.fillPrice, decimals)} (slippage; fee ${fmtUsdt(s.feeUsdt)}), ${s.bufferPercent.toFixed(2)} % before liquidation at ${fmtPrice(s.liquidationPrice, decimals)}${s.worstMinuteMovePercent === null ? '' : ` (worst minute of the last day ${s.worstMinuteMovePercent.toFixed(2)} %)`}; ${s.closesPosition ? 'closes the position' : `the rest at ρ ${fmtRho(s.restRiskRatio)} there, liquidation ${fmtPrice(s.restLiquidationPrice, decimals)}`}; a gap past liquidation in one move is not covered`,
    });
  } else if (s.kind === 'too-close') {
    out.push({ what: 'Too close for a stop in advance', detail: `liquidation at ${fmtPrice(s.liquidationPrice, decimals)} is within the ${s.bufferPercent.toFixed(2)} % buffer: reduce or add now` });
  }
  return out;
}

export function positionView(entries: readonly AccountEntry[], accountId: string, key: string): PositionView | null {
  const entry = entries.find((e) => e.accountId === accountId);
  const position = entry?.report.positions.find((p) => p.key === key);
  if (entry === undefined || position === undefined) return null;
  const report: AccountReport = entry.report;
  const subject = report.subjects.find((s) => s.subject === position.subject);
  const decimals = priceDecimals(position.markPrice);
  const horizons = [...new Set(position.tiers.flatMap((t) => (t.reach.kind === 'projected' ? t.reach.horizons.map((h) => h.horizonSec) : [])))].sort((a, b) => a - b);
  const forecast = position.tiers.map((t): ForecastRow => {
    const cells = horizons.map((h): ForecastCell => {
      if (t.reach.kind === 'reached') return { odds: 'reached', sigma: null };
      if (t.reach.kind === 'out-of-reach') return { odds: 'out of reach', sigma: null };
      const x = t.reach.horizons.find((y) => y.horizonSec === h);
      return x === undefined ? { odds: '—', sigma: null } : { odds: fmtProbability(x.probability), sigma: fmtSigma(x.distanceSd) };
    });
    const median = t.reach.kind === 'projected' ? (t.reach.medianTimeSec === null ? 'beyond the model' : fmtDuration(t.reach.medianTimeSec)) : t.reach.kind === 'reached' ? 'now' : 'never';
    const whole = t.reach.kind === 'reached' ? 'reached' : t.reach.kind === 'out-of-reach' ? 'out of reach' : null;
    return { tier: t.name, price: fmtPrice(t.price, decimals), cells, median, whole };
  });
  const lines: PositionView['lines'][number][] = [{ title: 'Entry', price: position.entryPrice, kind: 'entry' }];
  for (const t of position.tiers) if (t.price !== null && t.level !== '1') lines.push({ title: t.name, price: t.price, kind: 'tier' });
  if (position.liquidationPrice !== null) lines.push({ title: 'Liquidation', price: position.liquidationPrice, kind: 'liquidation' });
  return {
    entry,
    position,
    subject,
    decimals,
    horizons,
    forecast,
    suggestions: suggestionLines(subject, position, decimals, subject?.reduction.kind === 'reduce' ? report.positions.find((q) => subject.reduction.kind === 'reduce' && q.key === subject.reduction.key) : undefined),
    venueUrl: venuePage(report.account.venue, position.symbol),
    lines,
  };
}

/** An alert on the chart: at the second it opened, named as the trader heard it. */
export interface ChartMarker {
  /** Whole seconds (the chart's time unit), venue time. */
  readonly timeSec: number;
  readonly text: string;
  readonly severity: Severity;
  /** A forecast, drawn below the line (tiers above it), so that a forecast and the tier it foretold, minutes apart, do not write over each other. */
  readonly forecast: boolean;
}

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { data: 0, watch: 1, 'margin-call': 2, critical: 3, liquidation: 4 };
/** At one severity the tier reached outranks its forecast ("Margin call" over "Margin call likely"). */
const rankOf = (a: AlertItem): number => SEVERITY_RANK[a.entry.severity] * 2 + (a.entry.kind === 'tier' ? 1 : 0);

/**
 * The subject's alerts as chart markers, oldest first, one a second (the chart draws one per time):
 * the most severe of those opened in that second, a tier before its own forecast. A forecast reads
 * "<tier> likely", so that it is not taken for the tier itself.
 */
export function chartMarkers(alerts: readonly AlertItem[]): ChartMarker[] {
  const worst = new Map<number, AlertItem>();
  for (const a of alerts) {
    const t = Math.floor(a.entry.openedAt / 1000);
    const held = worst.get(t);
    if (held === undefined || rankOf(a) > rankOf(held)) worst.set(t, a);
  }
  return [...worst]
    .sort(([a], [b]) => a - b)
    .map(([timeSec, { entry }]) => ({
      timeSec,
      text: entry.kind === 'stale' ? 'stale' : entry.kind === 'predictive' ? `${entry.tierName} likely` : entry.tierName,
      severity: entry.severity,
      forecast: entry.kind === 'predictive',
    }));
}
