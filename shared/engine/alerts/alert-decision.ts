import type { Side } from '../positions/account.ts';
import type { Severity } from './alert-ladder.ts';

/**
 * What the alert policy reads and what it returns. Facts come from the monitor (one per risk subject:
 * the cross pool, each isolated position); decisions are data that each home carries out its own way
 * (effects are results, never performed here).
 */

/** The suggested reduction of one position, as the engine computed it. */
export interface SuggestedReduction {
  readonly symbol: string;
  readonly side: Side;
  readonly qty: number;
  readonly feeUsdt: number;
  readonly closesPosition: boolean;
}

/**
 * A reduce-only stop-market order to place in advance (margin/protective-stop.ts): when the mark reaches
 * the trigger, close `qty` of the position; `fillPrice` is where it is assumed to fill (the slippage).
 */
export interface SuggestedStop {
  readonly symbol: string;
  readonly side: Side;
  readonly triggerPrice: number;
  readonly fillPrice: number;
  readonly qty: number;
  readonly feeUsdt: number;
  readonly closesPosition: boolean;
  /** The liquidation price it guards (the whole position's, other symbols frozen). */
  readonly liquidationPrice: number;
}

/** P(liquidation within horizonSec) now and after each suggestion (the subject's own projection). */
export interface SuggestionOdds {
  readonly horizonSec: number;
  readonly now: number;
  /** After the top-up back to the target rho (topUpUsdt); equal to `now` when none is needed. */
  readonly afterTopUp: number;
  /** After the odds top-up (oddsTopUpUsdt); at most the odds limit. */
  readonly afterOddsTopUp: number;
  /** After the reduction; null without one. */
  readonly afterReduction: number | null;
}

/**
 * Everything the policy knows about one risk subject at one instant: plain data for the figures every
 * evaluation computes, and `searches` for the ones that are searches (a first-passage projection, a
 * top-up or stop search), each run when the policy or a screen calls for it. An alert record copies
 * the answers it needs; `searches` itself is working memory, never kept or sent.
 */
export interface SubjectFacts {
  /** Stable key: `<account>:cross` or `<account>:isolated:<symbol>:<side>` (see subject-key.ts). */
  readonly subject: string;
  /** Isolated: its symbol; cross: the symbol of the suggested reduction (the largest requirement). */
  readonly symbol: string | null;
  readonly side: Side | null;
  /** rho of the subject (the cross pool's, or the isolated position's). Infinity past liquidation. */
  readonly riskRatio: number;
  readonly equityUsdt: number;
  readonly requirementUsdt: number;
  /** The smallest top-up back to the target rho, USDT (to the wallet if cross, to the position if isolated); 0: none needed. */
  readonly topUpUsdt: number;
  /** The smallest reduction back to the target rho. */
  readonly reduction: SuggestedReduction | null;
  /** The subject's next funding payment, when a venue announced one (monitor/funding-facts.ts). */
  readonly funding?: FundingFact | null;
  readonly searches: SubjectSearches;
}

/** A subject's figures that are searches; each call after the first returns the first answer. */
export interface SubjectSearches {
  /**
   * How soon ladder level `key` (levelKey) could be reached: the median time and P(touch) at the
   * projected horizons, which include every predict rule's horizon. undefined, or a missing horizon,
   * means "unknown": no prediction fires on it.
   */
  readonly reach: (key: string) => LevelReach | undefined;
  /** P(touch level `key` within horizonSec): `probabilityWithin(reach(key), horizonSec)`, computed alone when reach(key) was not asked for yet. */
  readonly probability: (key: string, horizonSec: number) => number;
  /**
   * A number on the same side of `cutoff` as `probability(key, horizonSec)` (`>= cutoff` and `< cutoff`
   * read the same): that probability, or a proven bound on it when the bound settles the side without
   * the search (the cross pool's exact distance). What the policy compares against its thresholds.
   */
  readonly probabilitySide: (key: string, horizonSec: number, cutoff: number) => number;
  /** The top-up that brings P(liquidation within the odds horizon) down to the odds limit, shown beside `topUpUsdt`, never capped; 0: none needed or no odds target. */
  readonly oddsTopUpUsdt: () => number;
  /** The stop to set in advance (isolated: its position; cross: the position the reduction names, else the largest requirement). null: none to set. */
  readonly protectiveStop: () => SuggestedStop | null;
  /** What each suggestion does to P(liquidation within the odds horizon). null: no odds target. */
  readonly odds: () => SuggestionOdds | null;
  /**
   * The marks the figures were computed at (the pool: every position's symbol; isolated: its own), read
   * only when an alert is recorded: a record of n symbols built per evaluation was read by no other step.
   */
  readonly marks: () => Readonly<Record<string, number>>;
}

/** A funding payment to come and what it does to rho: "funding at 16:00 UTC costs 38 USDT: rho 0.78 -> 0.81". */
export interface FundingFact {
  /** When it is paid, ms. */
  readonly timeMs: number;
  /** USDT the subject pays (negative: receives), cents. */
  readonly costUsdt: number;
  /** rho now and once paid (marks unchanged); null where rho is unbounded (past liquidation). */
  readonly riskRatioBefore: number | null;
  readonly riskRatioAfter: number | null;
}

/** The projection of one level as the policy reads it (projection/tier-outlook.ts has the full outlook). */
export interface LevelReach {
  readonly medianTimeSec: number;
  readonly horizons: ReadonlyArray<{ readonly horizonSec: number; readonly probability: number }>;
}

/** The feed says the data is stale (no mark price, listenKey expired, socket silent). */
export interface StaleFact {
  readonly subject: string;
  /** When the data was last fresh (ms). Part of the alert id, so it must be the same on every device. */
  readonly since: number;
  readonly reason: string;
}

export interface PolicyFacts {
  readonly subjects: readonly SubjectFacts[];
  readonly stale: StaleFact | null;
}

/** A forecast carried by an alert: "Critical within 1 h: 63 %, median 41 min". */
export interface TierForecast {
  readonly tier: string;
  readonly tierName: string;
  readonly probability: number;
  readonly horizonSec: number;
  /** Median first-passage time, seconds (first-passage.ts); null when out of reach or unknown. */
  readonly medianTimeSec: number | null;
}

/** One alert as notified and as kept in the history, with the numbers it was based on. */
export interface AlertRecord {
  readonly id: string;
  readonly kind: 'tier' | 'predictive' | 'stale';
  readonly subject: string;
  readonly t: number;
  readonly severity: Severity;
  /** The tier (levelKey) the alert is about: entered (tier), forecast (predictive); null for stale. */
  readonly tier: string | null;
  readonly tierName: string | null;
  readonly channel: 'push' | 'in-app';
  /** 0 for the first notice of this id, then 1, 2, ... for reminders. */
  readonly reminder: number;
  /** The figures the alert was based on; null past liquidation (rho unbounded) and where they do not apply. */
  readonly riskRatio: number | null;
  readonly equityUsdt: number | null;
  readonly requirementUsdt: number | null;
  /** Predictive: the forecast that fired; tier alerts: the outlook for the next tier up (if any). */
  readonly forecast: TierForecast | null;
  readonly symbol: string | null;
  readonly side: Side | null;
  /** The smallest top-up back to the target rho. */
  readonly topUpUsdt: number | null;
  /** The top-up for P(liquidation within 24 h) <= 1 %. Absent in records saved before it existed. */
  readonly oddsTopUpUsdt?: number | null;
  readonly reduction: SuggestedReduction | null;
  /** The stop to set in advance. Absent in records saved before it existed. */
  readonly protectiveStop?: SuggestedStop | null;
  readonly marks: Readonly<Record<string, number>>;
  /** Stale alerts: why. */
  readonly reason: string | null;
  /** The subject's next funding payment when the alert was made (absent: none announced). */
  readonly funding?: FundingFact;
}

export type ResolveReason = 'recovered' | 'reached' | 'withdrawn' | 'closed' | 'data-fresh';

export type AlertDecision =
  /** Show (push or in-app) this alert; the same id may come again as a reminder (reminder > 0). */
  | { readonly kind: 'notify'; readonly alert: AlertRecord; readonly supersedes: readonly string[] }
  /** The condition behind this id is over: clear its notification. Every notified id is resolved once. */
  | { readonly kind: 'resolve'; readonly id: string; readonly subject: string; readonly t: number; readonly reason: ResolveReason }
  /** The worst tier across subjects, or the stale flag, changed. */
  | {
      readonly kind: 'update-badge';
      readonly tier: string | null;
      readonly tierName: string | null;
      readonly severity: Severity | null;
      readonly stale: boolean;
    };
