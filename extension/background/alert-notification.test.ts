import { describe, expect, it } from 'vitest';
import type { AlertDecision, AlertRecord } from '../../shared/engine/alerts/alert-decision.ts';
import { alertNotification, venuePageUrl } from './alert-notification.ts';

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
    reduction: { symbol: 'BTCUSDT', side: 'long', qty: 0.1234, closesPosition: false } as never,
    marks: {},
    reason: null,
    ...over,
  },
});

describe('alertNotification', () => {
  it('carries the alert id, rho, and both suggestions with their numbers; Critical stays on screen', () => {
    expect(alertNotification(alert({}), 'binance')).toEqual({
      id: 'binance:main:cross|tier|0.9|1',
      title: 'Binance Critical: ρ 0.912',
      message: 'cross margin. Add 1,234.57 USDT or reduce BTCUSDT by 0.1234.',
      priority: 2,
      requireInteraction: true,
      buttons: ['Open position', 'Snooze 1 h'],
    });
  });
  it('says "past liquidation" for a null rho, never NaN or null', () => {
    const n = alertNotification(alert({ riskRatio: null, severity: 'liquidation', tierName: 'Liquidation', topUpUsdt: 0, reduction: null, symbol: 'SOL', side: 'long' }), 'hyperliquid');
    expect(n?.title).toBe('Hyperliquid Liquidation: past liquidation');
    expect(n?.message).toBe('SOL long. No action suggested.');
  });
  it('a margin call is not urgent (priority 0, never negative); badge updates and resolves notify nothing', () => {
    expect(alertNotification(alert({ severity: 'margin-call', tierName: 'Margin call' }), 'okx')).toMatchObject({ priority: 0, requireInteraction: false });
    expect(alertNotification({ kind: 'resolve', id: 'x', subject: 's', t: 1, reason: 'recovered' }, 'okx')).toBeNull();
  });
  it('opens the venue page of the position', () => {
    expect(venuePageUrl('okx', 'BTC-USDT-SWAP')).toBe('https://www.okx.com/trade-swap/btc-usdt-swap');
    expect(venuePageUrl('binance', null)).toBe('https://www.binance.com/en/futures/BTCUSDT');
  });
});
