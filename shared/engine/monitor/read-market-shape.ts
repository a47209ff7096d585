import { refuse } from '../../units/field-error.ts';
import { obj } from '../../units/field-readers.ts';
import { JUMP_EDGES, type JumpTailOptions, type JumpTailState } from '../projection/jump-tail.ts';
import { DEFAULT_FORECAST_TERMS, type ForecastTerms, type MarketShapeState } from '../projection/market-shape.ts';
import type { FundingFact } from '../alerts/alert-decision.ts';
import type { FundingNotice } from '../projection/funding-step.ts';
import type { TrendOptions, TrendState } from '../projection/trend.ts';
import { epoch, exactObject, finite, listOf, namedRecord, nonNegative, orNull, positive } from './snapshot-fields.ts';

/**
 * Readers for the forecast's jump and trend terms in a saved monitor (the options and the per-symbol
 * state) and for the funding payments it knows of. All came after the first snapshot format; a snapshot without them reads as the defaults and
 * an empty state (rebuilt from the next marks, like a fresh volatility), so nothing older is refused.
 */

function jumpOptions(raw: unknown, path: string): JumpTailOptions {
  const o = exactObject(raw, path, ['halfLifeMs', 'thresholdSd', 'minReturnMs']);
  return {
    halfLifeMs: positive(o['halfLifeMs'], `${path}.halfLifeMs`),
    thresholdSd: positive(o['thresholdSd'], `${path}.thresholdSd`),
    minReturnMs: nonNegative(o['minReturnMs'], `${path}.minReturnMs`),
  };
}

function trendOptions(raw: unknown, path: string): TrendOptions {
  const o = exactObject(raw, path, ['halfLifeMs', 'minT', 'minReturnMs']);
  return {
    halfLifeMs: positive(o['halfLifeMs'], `${path}.halfLifeMs`),
    minT: positive(o['minT'], `${path}.minT`),
    minReturnMs: nonNegative(o['minReturnMs'], `${path}.minReturnMs`),
  };
}

/** `options.forecastTerms`; absent (an older snapshot) = the defaults. */
export function readForecastTerms(raw: unknown, path: string): ForecastTerms {
  if (raw === undefined) return DEFAULT_FORECAST_TERMS;
  const o = exactObject(raw, path, ['jumps', 'trend']);
  return { jumps: orNull(jumpOptions)(o['jumps'], `${path}.jumps`), trend: orNull(trendOptions)(o['trend'], `${path}.trend`) };
}

function counts(raw: unknown, path: string): number[] {
  const list = listOf(raw, path, nonNegative);
  if (list.length !== JUMP_EDGES.length) refuse(path, `expected ${JUMP_EDGES.length} counts, one per jump size, got ${list.length}`);
  return list;
}

function jumps(raw: unknown, path: string): JumpTailState {
  const o = exactObject(raw, path, ['anchorPrice', 'anchorT', 'sumMs', 'up', 'down']);
  return {
    anchorPrice: orNull(positive)(o['anchorPrice'], `${path}.anchorPrice`),
    anchorT: orNull(epoch)(o['anchorT'], `${path}.anchorT`),
    sumMs: nonNegative(o['sumMs'], `${path}.sumMs`),
    up: counts(o['up'], `${path}.up`),
    down: counts(o['down'], `${path}.down`),
  };
}

function trend(raw: unknown, path: string): TrendState {
  const o = exactObject(raw, path, ['anchorPrice', 'anchorT', 'sumReturns', 'sumMs']);
  return {
    anchorPrice: orNull(positive)(o['anchorPrice'], `${path}.anchorPrice`),
    anchorT: orNull(epoch)(o['anchorT'], `${path}.anchorT`),
    sumReturns: finite(o['sumReturns'], `${path}.sumReturns`),
    sumMs: nonNegative(o['sumMs'], `${path}.sumMs`),
  };
}

function shapeState(raw: unknown, path: string): MarketShapeState {
  const o = exactObject(raw, path, ['jumps', 'trend']);
  return { jumps: jumps(o['jumps'], `${path}.jumps`), trend: trend(o['trend'], `${path}.trend`) };
}

/** `state.shape`; absent (an older snapshot) = empty. */
export function readMarketShapes(raw: unknown, path: string): Record<string, MarketShapeState> {
  return raw === undefined ? {} : namedRecord(obj(raw, path), path, shapeState);
}

function fundingNotice(raw: unknown, path: string): FundingNotice {
  const o = exactObject(raw, path, ['rate', 'timeMs']);
  return { rate: finite(o['rate'], `${path}.rate`, (n) => Math.abs(n) < 1, 'a funding rate in (-1, 1)'), timeMs: epoch(o['timeMs'], `${path}.timeMs`) };
}

/** `state.funding`; absent (an older snapshot) = none known. */
export function readFundingNotices(raw: unknown, path: string): Record<string, FundingNotice> {
  return raw === undefined ? {} : namedRecord(obj(raw, path), path, fundingNotice);
}

/** An alert record's `funding` (alert-decision.ts, FundingFact). */
export function readFundingFact(raw: unknown, path: string): FundingFact {
  const o = exactObject(raw, path, ['timeMs', 'costUsdt', 'riskRatioBefore', 'riskRatioAfter']);
  return {
    timeMs: epoch(o['timeMs'], `${path}.timeMs`),
    costUsdt: finite(o['costUsdt'], `${path}.costUsdt`),
    riskRatioBefore: orNull(nonNegative)(o['riskRatioBefore'], `${path}.riskRatioBefore`),
    riskRatioAfter: orNull(nonNegative)(o['riskRatioAfter'], `${path}.riskRatioAfter`),
  };
}
