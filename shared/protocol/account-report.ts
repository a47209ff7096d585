import type { Severity } from '../engine/alerts/alert-ladder.ts';
import type { MarginMode, Side, VenueId } from '../engine/positions/account.ts';
import type { ConnectionState, SocketName } from '../engine/positions/feed-notices.ts';
import type { EpochMs, Price, Qty, Ratio, Usdt } from '../units/units.ts';
import type { AlertEntry } from './alert-log.ts';

/**
 * What a screen, a notification and the relay read about one account: plain data, built by
 * `accountReport` (account-report-builder.ts) and nothing else. No class instances, no getters, no
 * functions; every number finite or null, and every null says here what it means. The engine's
 * Infinity (rho past liquidation, a tier out of reach) never reaches this type as a number: it becomes
 * null beside a field that says why, or a union member of its own. It survives structuredClone
 * (postMessage, IndexedDB) and JSON (the relay, chrome.storage) unchanged.
 *
 * rho is the engine's risk ratio, requirement / equity: 1 is liquidation. A level key ("0.8", "1") names a
 * tier of the call ladder as the alert policy does (alert-ladder.ts, levelKey).
 */
export const ACCOUNT_REPORT_VERSION = 2;

export interface AccountReport {
  readonly kind: 'account-report';
  /** Bumped when a field changes meaning; a reader refuses a version it does not know. 2: the subject's `topUp` is the smallest back to the target alone, `oddsTopUp` and `liquidationOdds` beside it, suggestions say the odds they buy, positions carry `protectiveStop`. */
  readonly version: typeof ACCOUNT_REPORT_VERSION;
  /** When the report was built (the home's clock, ms). */
  readonly builtAt: EpochMs;
  /** The venue time of the marks and account the figures were computed at (ms). */
  readonly evaluatedAt: EpochMs;
  /** builtAt - evaluatedAt, ms, never negative: how old the figures are. */
  readonly dataAgeMs: number;
  readonly account: AccountSummary;
  /** The call ladder, lowest level first; the last is liquidation (level "1"). */
  readonly ladder: readonly LadderLevel[];
  /** Account order. A position the venue closed is gone from here; its alerts say "closed". */
  readonly positions: readonly PositionReport[];
  /** The cross pool (if the account has cross positions) first, then each isolated position. */
  readonly subjects: readonly SubjectReport[];
  /** This account's alerts from the alert log, newest first. */
  readonly alerts: readonly AlertEntry[];
  readonly badge: BadgeReport;
  readonly feed: FeedReport;
}

/** Where the account's figures come from. */
export type AccountMode = 'live' | 'demo' | 'manual';

export interface AccountSummary {
  readonly venue: VenueId;
  /** The monitor's account id, the prefix of every subject and alert id ("binance:main"). */
  readonly accountId: string;
  readonly mode: AccountMode;
  /** Cross collateral, unrealised PnL excluded. */
  readonly walletBalanceUsdt: Usdt;
  /** Cross pool: wallet plus cross unrealised PnL. */
  readonly equityUsdt: Usdt;
  /** Cross pool maintenance requirement. */
  readonly requirementUsdt: Usdt;
  /** Cross pool rho; 0 without cross positions. null: past liquidation (cross equity at or below zero with a requirement). */
  readonly riskRatio: Ratio | null;
  /** The worst rho of the cross pool and every isolated position. null: some subject is past liquidation. */
  readonly worstRiskRatio: Ratio | null;
  /** The venue's own name for its ratio and its value. value null: the venue's formula has no value here (past liquidation, or OKX's mgnRatio with no requirement). */
  readonly venueRatio: { readonly name: string; readonly value: number | null };
  /** The rho the suggested top-ups and reductions aim for. */
  readonly targetRiskRatio: Ratio;
}

export interface LadderLevel {
  /** Level key ("0.5", "1"). */
  readonly level: string;
  readonly riskRatio: Ratio;
  readonly name: string;
  readonly severity: Severity;
}

/**
 * `open`: a live position. `past-liquidation`: rho is at or past 1, the venue liquidates it at any
 * moment (never shown as safe). `closed`: quantity 0, nothing at risk (a venue that reports a closed
 * slot; never shown as safe with a zero wallet either).
 */
export type PositionStatus = 'open' | 'past-liquidation' | 'closed';

export interface PositionReport {
  /** `<symbol>:<side>`: unique within an account. */
  readonly key: string;
  /** The alert subject this position's rho belongs to (the cross pool's, or its own if isolated). */
  readonly subject: string;
  readonly symbol: string;
  readonly side: Side;
  readonly marginMode: MarginMode;
  readonly status: PositionStatus;
  readonly qty: Qty;
  readonly entryPrice: Price;
  readonly markPrice: Price;
  /** null: the venue did not send a leverage for this position. */
  readonly leverage: number | null;
  readonly notionalUsdt: Usdt;
  readonly unrealisedPnlUsdt: Usdt;
  /** Collateral held by the position, PnL excluded. null: cross (the pool's equity backs it). */
  readonly isolatedMarginUsdt: Usdt | null;
  /** This position's own maintenance requirement at mark. */
  readonly maintenanceMarginUsdt: Usdt;
  /** Isolated: its own rho; cross: the pool's. null: past liquidation (equity at or below zero with a requirement). */
  readonly riskRatio: Ratio | null;
  /** The mark at which rho reaches 1, other symbols frozen. null: no positive mark liquidates it (fully collateralised, or closed). */
  readonly liquidationPrice: Price | null;
  /** One per ladder level, in ladder order; the last is liquidation. */
  readonly tiers: readonly TierReport[];
  /** Level key of the lowest tier not reached yet. null: every tier is reached (past liquidation) or the position is closed. */
  readonly nextTier: string | null;
  /** The symbol's current fast volatility, log price per sqrt second (the engine floors it above 0; 0: not projected). */
  readonly sigmaPerSqrtSec: number;
  /** Closing part of this position (it is what the reduction of its subject is made of). */
  readonly reduction: ReductionSuggestion;
  /** The reduce-only stop to set in advance (protective-stop.ts), from the symbol's recent worst one-minute move. */
  readonly protectiveStop: ProtectiveStopReport;
  /** The venue's own liquidation estimate and when the venue sent it. null: the venue sent none. */
  readonly venueFigure: VenueFigure | null;
}

/** A figure the venue computed itself, kept beside ours with its time, for comparison. */
export interface VenueFigure {
  readonly liquidationPrice: Price;
  /** When the venue sent it (its position snapshot or update), ms. */
  readonly at: EpochMs;
}

export interface TierReport {
  readonly level: string;
  readonly name: string;
  /** rho is at or past this level now. */
  readonly reached: boolean;
  /** The mark at which rho equals this level, other symbols frozen. null: no positive mark gives this rho (collateral covers any move of this symbol). */
  readonly price: Price | null;
  /** (price - mark) / mark x 100; negative: the mark must fall. null: no price (see `price`). */
  readonly distancePercent: number | null;
  /** How soon it could be reached, on this symbol's own price axis. */
  readonly reach: Reach;
}

/**
 * The projection of one tier (first passage of a driftless log price, first-passage.ts).
 * `reached`: at or past it now (P = 1 at every horizon, time 0). `out-of-reach`: no move reaches it
 * (P = 0 at every horizon; the engine's median time is Infinity). `projected`: the figures.
 */
export type Reach =
  | { readonly kind: 'reached' }
  | { readonly kind: 'out-of-reach'; readonly reason: string }
  | {
      readonly kind: 'projected';
      /** Median first-passage time: even odds of having touched the tier by then. null: beyond what the model can time (an unbounded median). */
      readonly medianTimeSec: number | null;
      readonly horizons: readonly HorizonReach[];
    };

export interface HorizonReach {
  readonly horizonSec: number;
  /** P(touching the tier within the horizon), in [0, 1]. */
  readonly probability: number;
  /** The distance in standard deviations of the move over the horizon. null: unbounded (no volatility to move it). */
  readonly distanceSd: number | null;
}

/** A risk subject as the alert policy judges it: the cross pool, or one isolated position. */
export interface SubjectReport {
  /** `<account>:cross` or `<account>:isolated:<symbol>:<side>` (subject-key.ts). */
  readonly subject: string;
  readonly kind: 'cross-pool' | 'isolated';
  /** The positions it holds, as PositionReport keys. */
  readonly positions: readonly string[];
  /** null: past liquidation (equity at or below zero with a requirement). */
  readonly riskRatio: Ratio | null;
  readonly equityUsdt: Usdt;
  readonly requirementUsdt: Usdt;
  /** Level key of the tier the alert policy holds it in (hysteresis applied). null: below the ladder, or not judged yet. */
  readonly alertTier: string | null;
  /** Level key of the lowest tier rho has not reached. null: past liquidation. */
  readonly nextTier: string | null;
  /** One per ladder level. The cross pool's is its equity buffer's (every symbol moving, with correlation). */
  readonly tiers: readonly SubjectTier[];
  /** The smallest top-up that brings rho back to the target (the account's targetRiskRatio). */
  readonly topUp: TopUpSuggestion;
  /** The top-up that brings P(liquidation within liquidationOdds.horizonSec) down to the odds limit (1 % in 24 h by default): shown beside the first, never folded into it or capped. */
  readonly oddsTopUp: TopUpSuggestion;
  /** The smallest reduction back to the target. */
  readonly reduction: ReductionSuggestion;
  /** P(liquidation within the odds horizon) now. null: the monitor has no odds target. */
  readonly liquidationOdds: { readonly horizonSec: number; readonly probability: number } | null;
  /** null: not snoozed. */
  readonly snooze: { /** End of the snooze, ms. null: until the subject recovers. */ readonly untilMs: EpochMs | null } | null;
}

export interface SubjectTier {
  readonly level: string;
  readonly name: string;
  /** equity - requirement / level: what may be lost before the tier. <= 0 at or through it. */
  readonly bufferUsdt: Usdt;
  readonly reach: Reach;
}

/** The suggested top-up, and what it buys. Always reachable: collateral can always be added. */
export type TopUpSuggestion =
  | { readonly kind: 'none-needed' }
  | {
      readonly kind: 'top-up';
      readonly amountUsdt: Usdt;
      /** Cross: to the wallet; isolated: to the position's margin. */
      readonly to: 'wallet' | 'position';
      /** rho once it is added (at most the target; lower when the liquidation odds asked for more). null: still past liquidation (not with a positive target). */
      readonly riskRatioAfter: Ratio | null;
      /** Each of the subject's positions' liquidation price once it is added. price null: no positive mark liquidates it then. */
      readonly liquidationPricesAfter: ReadonlyArray<{ readonly key: string; readonly price: Price | null }>;
      /** P(liquidation within the subject's odds horizon) once it is added, in [0, 1]. null: no odds target. */
      readonly liquidationOddsAfter: number | null;
    };

/** The suggested reduction, what it buys, or an explicit "cannot". */
export type ReductionSuggestion =
  | { readonly kind: 'none-needed' }
  | {
      readonly kind: 'reduce';
      /** The PositionReport key to reduce. */
      readonly key: string;
      readonly symbol: string;
      readonly side: Side;
      readonly qty: Qty;
      /** Taker fee of closing that quantity at mark. */
      readonly feeUsdt: Usdt;
      readonly closesPosition: boolean;
      /** The subject's rho after it (at most the target). null: still past liquidation (not with a positive target). */
      readonly riskRatioAfter: Ratio | null;
      /** The position's liquidation price after it. null: it closes the position, or no positive mark liquidates what is left. */
      readonly liquidationPriceAfter: Price | null;
      /** P(liquidation within the subject's odds horizon) after it, in [0, 1]. null: not computed here (a position's own row) or no odds target. */
      readonly liquidationOddsAfter: number | null;
    }
  | { readonly kind: 'unreachable'; readonly reason: string };

/**
 * The protective stop of one position (shared/engine/margin/protective-stop.ts): a reduce-only
 * stop-market order at `triggerPrice` for `qty`, a buffer wider than the symbol's recent worst
 * one-minute move before the liquidation price, sized so that, filled at `fillPrice` (slippage) with
 * the taker fee, the rest is at rho <= 0.8 at the old liquidation price. `too-close`: the mark is
 * already inside the buffer (a stop would fire at once: reduce or add now). `none-needed`: closed, or
 * no positive mark liquidates it. `unreachable`: cross, the other positions keep the pool past the limit.
 */
export type ProtectiveStopReport =
  | { readonly kind: 'none-needed'; readonly reason: string }
  | { readonly kind: 'too-close'; readonly liquidationPrice: Price; readonly triggerPrice: Price | null; readonly bufferPercent: number }
  | { readonly kind: 'unreachable'; readonly reason: string }
  | {
      readonly kind: 'stop';
      readonly triggerPrice: Price;
      readonly fillPrice: Price;
      readonly qty: Qty;
      /** Taker fee of the fill. */
      readonly feeUsdt: Usdt;
      readonly closesPosition: boolean;
      /** (trigger - liquidation) / liquidation x 100, unsigned. */
      readonly bufferPercent: number;
      /** The symbol's worst one-minute move of the last day the buffer is wider than, x 100. null: no history (1 % assumed). */
      readonly worstMinuteMovePercent: number | null;
      readonly liquidationPrice: Price;
      /** The rest's rho at the old liquidation price after the fill. null: past liquidation (not with the default limit). */
      readonly restRiskRatio: Ratio | null;
      /** The rest's own liquidation price after the fill. null: the stop closes the position, or no positive mark liquidates the rest. */
      readonly restLiquidationPrice: Price | null;
    };

export interface BadgeReport {
  /** Level key of the worst tier across subjects (hysteresis applied). null: below the ladder. */
  readonly tier: string | null;
  /** null with tier. */
  readonly tierName: string | null;
  /** null with tier. */
  readonly severity: Severity | null;
  /** The feed's data is stale (a stale alert is open). */
  readonly stale: boolean;
}

export interface FeedReport {
  /** Each socket's state. null: the home runs no feed (a manual account, a replay). */
  readonly connections: Readonly<Record<SocketName, ConnectionState>> | null;
  /** One per symbol of the account. */
  readonly symbols: readonly SymbolFeed[];
  /** The feed-wide stale notice the monitor holds: when the data was last fresh and why. null: fresh. */
  readonly stale: { readonly since: EpochMs; readonly reason: string } | null;
}

export type SymbolFeed =
  | {
      readonly symbol: string;
      readonly state: 'fresh';
      /** Time of the newest mark, ms. null: the home keeps no mark times (no feed: the marks are the account's own). */
      readonly lastMarkAt: EpochMs | null;
    }
  | {
      readonly symbol: string;
      readonly state: 'stale';
      /** The last mark's time: stale since then, ms. null: no mark has ever arrived. */
      readonly since: EpochMs | null;
    };
