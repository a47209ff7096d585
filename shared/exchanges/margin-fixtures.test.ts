import { describe, expect, test } from 'vitest';
import { buildTierTable } from '../engine/margin/maintenance-tiers.ts';
import { tierPrice } from '../engine/margin/tier-price.ts';
import type { Position } from '../engine/positions/account.ts';
import { price, qty, ratio, usdt } from '../units/units.ts';
import { readFixtureJson } from '../../tools/test-support/shared-design.ts';
import { binanceMargin } from './binance/margin.ts';
import { hyperliquidMargin, hyperliquidTierTable } from './hyperliquid/margin.ts';

/**
 * The venue margin files against the exchanges' own figures in real payloads (shared/exchanges/<venue>/fixtures/):
 * the number the exchange printed is the expected value, never one we computed ourselves.
 * Field access here is deliberately raw; the adapters' parsers are tested on the same files.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw payload walking in a test
type Json = Record<string, any>;

describe('margin numbers from real payloads', () => {
  test('Hyperliquid docs clearinghouseState: isolated ETH liquidationPx 2866.26936529', () => {
    const state = readFixtureJson('hyperliquid-rest-clearinghouseState.docs-example.json') as Json;
    const pos = state['assetPositions'][0]['position'];
    const size = Number(pos.szi);
    const mark = Number(pos.positionValue) / size;
    // marginUsed includes uPnL; the engine's isolatedMargin excludes it.
    const p: Position = {
      symbol: pos.coin, side: size > 0 ? 'long' : 'short', qty: qty(Math.abs(size)), entryPrice: price(Number(pos.entryPx)),
      markPrice: price(mark), marginMode: 'isolated', isolatedMargin: usdt(Number(pos.marginUsed) - Number(pos.unrealizedPnl)),
      leverage: pos.leverage.value, tiers: hyperliquidTierTable([{ lowerBound: 0, maxLeverage: pos.maxLeverage }]), takerFeeRate: ratio(0),
    };
    const lp = tierPrice({ exchange: 'hyperliquid', walletBalance: usdt(0), positions: [p] }, hyperliquidMargin, p, 1);
    expect(Math.abs((lp as number) / Number(pos.liquidationPx) - 1)).toBeLessThan(1e-7);
  });

  test('Hyperliquid live cross account: crossMaintenanceMarginUsed 4720.8375 from the live margin table', () => {
    const state = readFixtureJson('hyperliquid-rest-clearinghouseState.cross-live-capture.json') as Json;
    const meta = readFixtureJson('hyperliquid-rest-meta-marginTables.live-capture.json') as Json;
    const pos = state['assetPositions'][0]['position'];
    const asset = meta['universe'].find((u: Json) => u['name'] === pos.coin);
    const table = meta['marginTables'].find(([id]: [number]) => id === asset.marginTableId)[1];
    const tiers = hyperliquidTierTable(table.marginTiers.map((t: Json) => ({ lowerBound: Number(t['lowerBound']), maxLeverage: t['maxLeverage'] })));
    const size = Number(pos.szi);
    const mark = Number(pos.positionValue) / size;
    const p: Position = {
      symbol: pos.coin, side: 'long', qty: qty(size), entryPrice: price(Number(pos.entryPx)), markPrice: price(mark),
      marginMode: 'cross', tiers, takerFeeRate: ratio(0),
    };
    expect(hyperliquidMargin.requirement(p, mark)).toBeCloseTo(Number(state['crossMaintenanceMarginUsed']), 6);
    // This account's own liquidationPx (74,501.80) cannot be reproduced from its perp accountValue: it
    // is a unified account whose collateral lives in spot state (docs/margin-math.md §5.1). Not asserted.
  });

  test('Binance MARGIN_CALL: the pushed maintenance margin equals bracket maths at the pushed mark', () => {
    const call = readFixtureJson('binance-ws-MARGIN_CALL.json') as Json;
    const brackets = readFixtureJson('binance-rest-leverageBracket.doc-example-zh.jsonc') as Json;
    const eth = brackets[0]['brackets'].map((b: Json) => ({ floor: b['notionalFloor'], cap: b['notionalCap'], mmr: b['maintMarginRatio'], deduction: b['cum'] }));
    const leg = call['p'][0];
    const p: Position = {
      symbol: leg.s, side: 'long', qty: qty(Number(leg.pa)), entryPrice: price(Number(leg.mp)), markPrice: price(Number(leg.mp)),
      marginMode: 'cross', tiers: buildTierTable(eth), takerFeeRate: ratio(0),
    };
    expect(Math.abs(binanceMargin.requirement(p, Number(leg.mp)) - Number(leg.mm))).toBeLessThan(5e-6);
  });

  test('Binance real BTCUSDT brackets: every cum equals the deduction recursion', () => {
    const tiers = (readFixtureJson('binance-rest-leverageBracket.freqtrade-snapshot-BTCUSDT.json') as Json)['BTC/USDT:USDT'];
    const table = buildTierTable(tiers.map((t: Json) => ({ floor: Number(t['info']['notionalFloor']), mmr: Number(t['info']['maintMarginRatio']) })));
    tiers.forEach((t: Json, i: number) => expect(table.tiers[i]!.deduction).toBeCloseTo(Number(t['info']['cum']), 6));
  });

  test('Bybit live risk-limit tiers: mmDeduction 510 equals the recursion', () => {
    const list = (readFixtureJson('bybit-rest-risk-limit-linear-result.live-capture.json') as Json)['list'];
    const table = buildTierTable(
      list.map((t: Json, i: number) => ({ floor: i === 0 ? 0 : Number(list[i - 1]['riskLimitValue']), mmr: Number(t['maintenanceMargin']) })),
    );
    expect(table.tiers[1]!.deduction).toBeCloseTo(Number(list[1]['mmDeduction']), 9);
  });
});
