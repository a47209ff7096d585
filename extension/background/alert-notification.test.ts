import { describe, expect, it } from 'vitest';
import type { AlertDecision, AlertRecord } from '../../shared/engine/alerts/alert-decision.ts';
import { emptyAlertLog, logDecisions } from '../../shared/protocol/alert-log.ts';
import { accountLabel, desktopNotification, venuePageUrl } from './alert-notification.ts';

const alert = (over: Partial<AlertRecord>): AlertDecision => ({
  kind: 'notify',
  supersedes: [],
  alert: {
    id: 'binance:main:cross|tier|0.9|1',
    kind: 'tier',
    subject: 'binance:main:cross',
    t: 1,
    severity: 'critical',
    tier: '0.9',
    tierName: 'Critical',
    channel: 'push',
    reminder: 0,
    riskRatio: 0.9123,
    equityUsdt: 1000,
    requirementUsdt: 912.3,
    forecast: null,
    symbol: null,
    side: null,
    topUpUsdt: 1234.567,
    reduction: { symbol: 'BTCUSDT', side: 'long', qty: 0.1234, feeUsdt: 5.5, closesPosition: false } as never,
    marks: {},
    reason: null,
    ...over,
  },
});

/** The notification for one decision, the decision folded into a log first (as the worker does). */
const shown = (d: AlertDecision, label = 'Binance main') => desktopNotification(d, logDecisions(emptyAlertLog, [d]), label);

describe('desktopNotification', () => {
  it('carries the alert id and the shared words: rho, both suggestions with their numbers; Critical stays on screen', () => {
    expect(shown(alert({}))).toEqual({
      id: 'binance:main:cross|tier|0.9|1',
      title: 'Critical · cross margin · Binance main',
      message: 'ρ 0.912. Add 1,234.57 USDT or reduce BTCUSDT by 0.1234 (fee 5.50 USDT).',
      priority: 2,
      requireInteraction: true,
      buttons: ['Open position', 'Snooze 1 h'],
    });
  });
  it('says "past liquidation" for a null rho, never NaN or null', () => {
    const n = shown(alert({ subject: 'hyperliquid:main:isolated:SOL:long', riskRatio: null, severity: 'liquidation', tierName: 'Liquidation', topUpUsdt: 0, reduction: null, symbol: 'SOL', side: 'long' }), 'Hyperliquid main');
    expect(n?.title).toBe('Liquidation · SOL long · Hyperliquid main');
    expect(n?.message).toBe('past liquidation.');
  });
  it('a margin call is not urgent (priority 0, never negative); resolves notify nothing', () => {
    expect(shown(alert({ severity: 'margin-call', tierName: 'Margin call' }))).toMatchObject({ priority: 0, requireInteraction: false });
    expect(shown({ kind: 'resolve', id: 'x', subject: 's', t: 1, reason: 'recovered' })).toBeNull();
  });
  it('names the account as the trader does', () => {
    expect(accountLabel('binance', 'binance:demo')).toBe('Binance demo');
    expect(accountLabel('okx', 'okx:main desk')).toBe('OKX main desk');
  });
  it('opens the venue page of the position', () => {
    expect(venuePageUrl('okx', 'BTC-USDT-SWAP')).toBe('https://www.okx.com/trade-swap/btc-usdt-swap');
    expect(venuePageUrl('binance', null)).toBe('https://www.binance.com/en/futures/BTCUSDT');
  });
});
