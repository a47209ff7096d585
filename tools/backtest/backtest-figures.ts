import { settingsOf, type ForecastSettings } from './forecast-settings.ts';
import { PATH_FAMILIES } from './backtest-paths.ts';
import { FRONTIER_KEYS, REDUCE_KEYS, TOPUP_KEYS, type AlertQuality, type FrontierKey, type PathOutcome, type PolicyKey, type PolicyOutcome, type TraderRun } from './play-path.ts';
import type { Sizing } from './trader-model.ts';

/** The figures issue 13 asks for, per policy (the JSON shape of `npm run backtest -- --json`). */
export interface PolicyFigures {
  readonly name: string;
  /** The trader who acted on this policy's pushes: topping up or reducing (trader-model.ts). */
  readonly trader: Sizing;
  /** Share of paths on which the account was liquidated, with the trader acting on the alerts. */
  readonly liquidatedShare: number;
  /** Median and 10th percentile of the lead time (first alert to liquidation, or to the 0.8 tier); null without events. */
  readonly leadTimeP50Sec: number | null;
  readonly leadTimeP10Sec: number | null;
  /** Push notifications per position per day, reminders included. */
  readonly pushesPerPositionDay: number;
  /** Share of forecasts (predictive pushes) whose tier did not come within their horizon; null without forecasts. */
  readonly falseAlarmShare: number | null;
  /** Share of the trader's actions that fell due with nothing to do (rho already at or below the target); null without actions or for the pairs. */
  readonly idleActionShare: number | null;
  /** Collateral the trader added, mean per path (USDT); prefunded: what it was given up front; 0 for the reducing trader. */
  readonly topUpPerPath: number;
  /** The reducing trader: share of the starting position it closed (notional at entry), mean per path; null for the top-up trader. */
  readonly closedSharePerPath: number | null;
  /** The reducing trader: PnL its reductions realised (fee and slippage included), mean per path, USDT; null for the top-up trader. */
  readonly reducedPnlPerPath: number | null;
  /** Protective stops: PnL they realised (fees included), mean per path, USDT (negative: a loss). null: no stops in this policy. */
  readonly stopRealisedPerPath: number | null;
  /** Share of paths on which a stop filled; and of paths on which one filled though nobody acting would not have been liquidated (a stop that cost money for nothing). null: no stops. */
  readonly stoppedShare: number | null;
  readonly needlessStopShare: number | null;
}

export interface FamilyFigures {
  readonly family: string;
  readonly paths: number;
  readonly events: number;
  readonly policies: readonly PolicyFigures[];
}

/** One point of the capital frontier: the trader's sizing target and what each policy got for its money. */
export interface CapitalPoint {
  readonly targetRho: number;
  readonly policies: ReadonlyArray<{ readonly name: string; readonly liquidatedShare: number; readonly topUpPerPath: number }>;
}

/** One point of the reducing trader's frontier: its target and what each policy closed for what it kept. */
export interface SizingPoint {
  readonly targetRho: number;
  readonly policies: ReadonlyArray<{ readonly name: string; readonly liquidatedShare: number; readonly closedSharePerPath: number; readonly reducedPnlPerPath: number }>;
}

/** One point of the forecast frontier: our policy with every predict rule set to (horizon, threshold). */
export interface ForecastPoint {
  readonly horizonSec: number;
  readonly threshold: number;
  readonly leadTimeP50Sec: number | null;
  readonly leadTimeP10Sec: number | null;
  readonly forecasts: number;
  readonly falseForecastShare: number | null;
}

/**
 * The paths of one family (or `all`) under one trader, read against the hindsight bound (play-path.ts,
 * HindsightVerdict): how many survive untouched, how many no warning can save, how many ours saves, and
 * of those the bound saves and ours does not, whether ours' first push came too late or in time.
 */
export interface HindsightCounts {
  readonly family: string;
  readonly trader: Sizing;
  readonly paths: number;
  readonly survives: number;
  readonly unsaveable: number;
  readonly oursSaves: number;
  readonly oursLate: number;
  readonly oursInTime: number;
}

export interface BacktestReport {
  readonly paths: number;
  readonly seed: number;
  readonly delayMin: number;
  /** What ours forecast with: the terms beside the diffusion and the predict rules (forecast-settings.ts). */
  readonly forecast: ForecastSettings;
  readonly policies: readonly PolicyFigures[];
  readonly families: readonly FamilyFigures[];
  /** capital: the top-up trader (empty without it); sizing: the reducing trader (empty without it). */
  readonly frontiers: { readonly capital: readonly CapitalPoint[]; readonly sizing: readonly SizingPoint[]; readonly forecast: readonly ForecastPoint[] };
  /** The hindsight bound, path by path (all families first, then each). */
  readonly hindsight: readonly HindsightCounts[];
}

export const POLICY_NAMES = {
  static: 'static margin call (rho 0.8)',
  ours: 'predictive monitor (ours)',
  prefunded: "no alerts, ours' capital up front",
  protectedAtOpen: 'ours + protective stop with the position',
  stopLossAtOpen: 'ours + whole-position stop with the position',
  protected: 'ours + protective stop when first warned',
  protectedLate: 'ours + protective stop after the delay',
  staticReduce: 'static margin call (rho 0.8), reducing',
  oursReduce: 'predictive monitor (ours), reducing',
  preReduced: "no alerts, ours' reductions up front",
  protectedReduce: 'ours + protective stop when first warned, reducing',
  oracle: 'hindsight oracle: best warning times (a bound, not a policy)',
  oracleStop: 'hindsight oracle + protective stop at the best time (a bound)',
  oracleReduce: 'hindsight oracle: best warning times, reducing (a bound)',
  oracleStopReduce: 'hindsight oracle + protective stop at the best time, reducing (a bound)',
} as const satisfies Record<PolicyKey, string>;
const KEYS: readonly PolicyKey[] = [...TOPUP_KEYS, ...REDUCE_KEYS];
const isReduce = (key: PolicyKey): boolean => (REDUCE_KEYS as readonly PolicyKey[]).includes(key);

/** Percentile by linear interpolation between order statistics (the "type 7" rule of R and NumPy). */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * p;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  const a = sorted[lo] ?? 0;
  const b = sorted[hi] ?? a;
  return a + (b - a) * (at - lo);
}

const share = (runs: readonly TraderRun[]): number => (runs.length === 0 ? 0 : runs.filter((o) => o.liquidated).length / runs.length);
/** The prefunded run's capital is given, not added while playing: its start less the others' start. */
const spent = (key: PolicyKey, o: TraderRun, base: number): number => (key === 'prefunded' ? o.startCapitalUsdt - base : o.topUpUsdt);
const meanSpend = (key: PolicyKey, runs: readonly TraderRun[], bases: readonly number[]): number =>
  runs.length === 0 ? 0 : runs.reduce((s, o, i) => s + spent(key, o, bases[i] ?? 0), 0) / runs.length;

function leadFigures(qualities: readonly AlertQuality[]) {
  const leads = qualities.flatMap((o) => (o.leadTimeSec === null ? [] : [o.leadTimeSec]));
  const forecasts = qualities.reduce((s, o) => s + o.forecasts, 0);
  return {
    leadTimeP50Sec: percentile(leads, 0.5),
    leadTimeP10Sec: percentile(leads, 0.1),
    forecasts,
    falseShare: forecasts > 0 ? qualities.reduce((s, o) => s + o.falseForecasts, 0) / forecasts : null,
  };
}

const mean = (runs: readonly TraderRun[], f: (o: TraderRun) => number): number => (runs.length === 0 ? 0 : runs.reduce((s, o) => s + f(o), 0) / runs.length);

function idleShare(runs: readonly TraderRun[]): number | null {
  const idle = runs.reduce((s, o) => s + o.idleActions, 0);
  const all = idle + runs.reduce((s, o) => s + o.actions, 0);
  return all > 0 ? idle / all : null;
}

function figures(key: PolicyKey, outcomes: readonly PolicyOutcome[], bases: readonly number[], events: readonly (string | null)[]): PolicyFigures {
  const withStops = outcomes.some((o) => o.stops !== null);
  const n = Math.max(1, outcomes.length);
  const stopped = outcomes.map((o) => (o.stops?.filled ?? 0) > 0);
  const positionDays = outcomes.reduce((s, o) => s + o.positionDays, 0);
  const pair = key === 'prefunded' || key === 'preReduced';
  const lead = leadFigures(pair ? [] : outcomes);
  const reduce = isReduce(key);
  return {
    name: POLICY_NAMES[key],
    trader: reduce ? 'reduce' : 'topup',
    liquidatedShare: share(outcomes),
    leadTimeP50Sec: lead.leadTimeP50Sec,
    leadTimeP10Sec: lead.leadTimeP10Sec,
    pushesPerPositionDay: positionDays > 0 ? outcomes.reduce((s, o) => s + o.pushes, 0) / positionDays : 0,
    falseAlarmShare: key !== 'static' && key !== 'staticReduce' && !pair ? lead.falseShare : null,
    idleActionShare: idleShare(pair ? [] : outcomes),
    topUpPerPath: meanSpend(key, outcomes, bases),
    closedSharePerPath: reduce ? mean(outcomes, (o) => o.closedShare) : null,
    reducedPnlPerPath: reduce ? mean(outcomes, (o) => o.reducedPnlUsdt) : null,
    stopRealisedPerPath: withStops ? outcomes.reduce((s, o) => s + o.realisedUsdt, 0) / n : null,
    stoppedShare: withStops ? stopped.filter(Boolean).length / n : null,
    needlessStopShare: withStops ? stopped.filter((x, i) => x && events[i] !== 'liquidation').length / n : null,
  };
}

/** The capital each path's account started with (any run but the prefunded pair's). */
const basesOf = (outcomes: readonly PathOutcome[]): number[] => outcomes.map((o) => (o.runs.static ?? o.runs.staticReduce)?.startCapitalUsdt ?? 0);
/** The policies played: those every path has (a run plays the top-up trader, the reducing one, or both). */
const playedOf = <K extends string>(keys: readonly K[], has: (key: K) => boolean): K[] => keys.filter(has);

const policiesOf = (outcomes: readonly PathOutcome[]): PolicyFigures[] => {
  const bases = basesOf(outcomes);
  const events = outcomes.map((o) => o.event);
  return playedOf(KEYS, (key) => outcomes.length > 0 && outcomes.every((o) => o.runs[key] !== undefined)).map((key) =>
    figures(key, outcomes.map((o) => o.runs[key] as PolicyOutcome), bases, events),
  );
};

function hindsightOf(family: string, outcomes: readonly PathOutcome[]): HindsightCounts[] {
  return (['topup', 'reduce'] as const).flatMap((trader): HindsightCounts[] => {
    const verdicts = outcomes.flatMap((o) => (o.hindsight[trader] === undefined ? [] : [o.hindsight[trader]]));
    if (verdicts.length === 0) return [];
    const count = (v: string) => verdicts.filter((x) => x === v).length;
    return [{ family, trader, paths: verdicts.length, survives: count('survives'), unsaveable: count('unsaveable'), oursSaves: count('ours-saves'), oursLate: count('ours-late'), oursInTime: count('ours-in-time') }];
  });
}

export function backtestReport(outcomes: readonly PathOutcome[], seed: number, delayMin: number, forecast: ForecastSettings = settingsOf('both', null)): BacktestReport {
  const bases = basesOf(outcomes);
  const targets = outcomes[0]?.sizing.map((s) => s.targetRho) ?? [];
  const runsAt = (j: number, key: FrontierKey): TraderRun[] | null => {
    const runs = outcomes.flatMap((o) => (o.sizing[j]?.[key] === undefined ? [] : [o.sizing[j]?.[key] as TraderRun]));
    return runs.length === outcomes.length && runs.length > 0 ? runs : null;
  };
  const capital = targets.flatMap((targetRho, j): CapitalPoint[] => {
    const policies = FRONTIER_KEYS.filter((k) => !isReduce(k)).flatMap((key) => {
      const runs = runsAt(j, key);
      return runs === null ? [] : [{ name: POLICY_NAMES[key], liquidatedShare: share(runs), topUpPerPath: meanSpend(key, runs, bases) }];
    });
    return policies.length === 0 ? [] : [{ targetRho, policies }];
  });
  const sizingFrontier = targets.flatMap((targetRho, j): SizingPoint[] => {
    const policies = FRONTIER_KEYS.filter(isReduce).flatMap((key) => {
      const runs = runsAt(j, key);
      return runs === null
        ? []
        : [{ name: POLICY_NAMES[key], liquidatedShare: share(runs), closedSharePerPath: mean(runs, (o) => o.closedShare), reducedPnlPerPath: mean(runs, (o) => o.reducedPnlUsdt) }];
    });
    return policies.length === 0 ? [] : [{ targetRho, policies }];
  });
  const rules = outcomes[0]?.forecastRules.map((f) => f.rule) ?? [];
  const forecastFrontier = rules.map((rule, j): ForecastPoint => {
    const lead = leadFigures(outcomes.map((o) => o.forecastRules[j] as AlertQuality));
    return { ...rule, leadTimeP50Sec: lead.leadTimeP50Sec, leadTimeP10Sec: lead.leadTimeP10Sec, forecasts: lead.forecasts, falseForecastShare: lead.falseShare };
  });
  const families = PATH_FAMILIES.flatMap((family): FamilyFigures[] => {
    const mine = outcomes.filter((o) => o.family === family);
    return mine.length === 0 ? [] : [{ family, paths: mine.length, events: mine.filter((o) => o.event !== null).length, policies: policiesOf(mine) }];
  });
  const hindsight = [...hindsightOf('all', outcomes), ...PATH_FAMILIES.flatMap((f) => hindsightOf(f, outcomes.filter((o) => o.family === f)))];
  return { paths: outcomes.length, seed, delayMin, forecast, policies: policiesOf(outcomes), families, frontiers: { capital, sizing: sizingFrontier, forecast: forecastFrontier }, hindsight };
}
