import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replay } from '../../../shared/replay/replay.ts';
import { isFieldError } from '../../../shared/units/field-error.ts';
import { accountDocument } from '../../../shared/protocol/account-document.ts';
import { parseAccountInput } from '../../../shared/exchanges/parse-account-input.ts';
import { leadText, manualReplayAccounts, runAccountReplay, ticksFromCsv, ticksFromHistory, watchedReplayAccounts, type ReplayAccount } from './replay-model.ts';

const root = join(import.meta.dirname, '../../..');
const crash = JSON.parse(readFileSync(join(root, 'examples/replay-crash.json'), 'utf8')) as { account: Record<string, unknown>; ticks: [number, Record<string, number>][] };
const csv = readFileSync(join(root, 'examples/replay-crash.csv'), 'utf8');
const account: ReplayAccount = { id: 'binance:demo', label: 'Demo', document: crash.account };

describe('the Replay screen model', () => {
  it('plays the crash CSV through the same replay as npm run replay and gives each notice its lead time', () => {
    const ticks = ticksFromCsv(csv, account);
    if (isFieldError(ticks)) throw new Error(`${ticks.field}: ${ticks.message}`);
    expect(ticks).toHaveLength(crash.ticks.length);
    const summary = runAccountReplay(account, ticks);
    if (isFieldError(summary)) throw new Error(summary.message);
    const direct = replay({ accountId: 'binance:demo', account: crash.account, ticks: crash.ticks, staleAfterMs: null });
    if (isFieldError(direct)) throw new Error(direct.message);
    expect(summary.lines.map((l) => l.id)).toEqual(direct.alerts.filter((a) => a.kind !== 'resolve').map((a) => a.id));
    expect(summary.endPoint).toEqual({ kind: 'liquidation', t: direct.liquidatedAt, name: 'Liquidation' });
    const first = summary.lines[0]!;
    expect(first.leadMs).toBe(direct.liquidatedAt! - first.t);
    expect(first.leadMs).toBeGreaterThan(0);
    // Each subject counts to its own liquidation: BTC's cross pool went 5 s after SOL's isolated position.
    const btcLiquidation = direct.alerts.find((a) => a.kind === 'tier' && a.symbol === 'BTCUSDT' && a.tier === '1')!;
    const btcCritical = summary.lines.find((l) => l.text.startsWith('Critical: BTCUSDT'))!;
    expect(btcCritical.leadMs).toBe(btcLiquidation.t - btcCritical.t);
    expect(btcLiquidation.t).toBeGreaterThan(direct.liquidatedAt!);
    expect(summary.lines.some((l) => l.text.startsWith('Margin call'))).toBe(true);
  });

  // The route listed only accounts typed by hand: in demo mode, or with only venue accounts, the list was empty.
  it('lists the watched accounts as their venue reports them, after the manual ones, and plays them', () => {
    const input = parseAccountInput(crash.account);
    if (isFieldError(input)) throw new Error(input.message);
    // What the worker posts for a watched account (monitor-worker.ts, 'positions').
    const documents = [
      { accountId: 'binance:demo', account: accountDocument(input.account) as unknown as Record<string, unknown> },
      { accountId: 'binance:typed', account: crash.account },
    ];
    const watched = watchedReplayAccounts(documents, new Map([['binance:demo', 'Binance demo']]), new Set(['binance:typed']));
    expect(watched.map((a) => [a.id, a.label])).toEqual([['binance:demo', 'Binance demo (positions now)']]);
    const ticks = ticksFromCsv(csv, watched[0]!);
    if (isFieldError(ticks)) throw new Error(`${ticks.field}: ${ticks.message}`);
    const fromWatched = runAccountReplay(watched[0]!, ticks);
    const fromTyped = runAccountReplay(account, ticks);
    if (isFieldError(fromWatched) || isFieldError(fromTyped)) throw new Error('replay refused the account');
    expect(fromWatched.lines.map((l) => l.id)).toEqual(fromTyped.lines.map((l) => l.id));
    expect(fromWatched.lines.length).toBeGreaterThan(3);
  });

  it('names the line and column of a bad CSV cell', () => {
    expect(ticksFromCsv('time,symbol,price\n1760130000000,BTCUSDT,97000\n1760130005000,BTCUSDT,abc\n', account)).toEqual({
      kind: 'field-error',
      field: 'line 3, column 3 (price)',
      message: 'expected a decimal number, got "abc"',
    });
    expect(ticksFromCsv('1760130000000,DOGEUSDT,1', account)).toMatchObject({ field: 'line 1, column 2 (symbol)' });
    expect(ticksFromCsv('1760130005000,BTCUSDT,1\n1760130000000,BTCUSDT,1', account)).toMatchObject({ field: 'line 2, column 1 (time)' });
    expect(ticksFromCsv('yesterday,BTCUSDT,1', account)).toMatchObject({ field: 'line 1, column 1 (time)' });
    expect(ticksFromCsv('1,2', account)).toMatchObject({ field: 'line 1' });
    expect(ticksFromCsv('\n\n', account)).toMatchObject({ field: 'input' });
    expect(ticksFromCsv('2026-11-26T14:00:00Z,BTCUSDT,90000', account)).toEqual([{ t: Date.parse('2026-11-26T14:00:00Z'), marks: new Map([['BTCUSDT', 90000]]) }]);
  });

  it('merges stored mark histories into ticks by time', () => {
    const ticks = ticksFromHistory(new Map([['BTCUSDT', [{ t: 2, price: 10 }, { t: 1, price: 9 }]], ['ETHUSDT', [{ t: 2, price: 3 }]]]));
    expect(ticks.map((t) => [t.t, Object.fromEntries(t.marks)])).toEqual([[1, { BTCUSDT: 9 }], [2, { BTCUSDT: 10, ETHUSDT: 3 }]]);
    expect(leadText(3_840_000)).toBe('1 h 04 min');
    expect(leadText(200_000)).toBe('3 min 20 s');
  });
});

describe('manual accounts from the settings', () => {
  it('replay under their own ladder', async () => {
    const { parseAccountForm, EMPTY_ACCOUNT_FORM, EMPTY_POSITION } = await import('../settings/settings-model.ts');
    const { DEFAULT_SETTINGS } = await import('../../platform/settings-record.ts');
    const parsed = parseAccountForm({
      ...EMPTY_ACCOUNT_FORM,
      label: 'Plan',
      source: 'manual',
      ladder: '0.3, 0.6, 0.9, 1',
      walletBalance: '5600',
      positions: [{ ...EMPTY_POSITION, symbol: 'BTCUSDT', qty: '0.5', entryPrice: '97000', markPrice: '97000', leverage: '20' }],
    });
    if (isFieldError(parsed)) throw new Error(parsed.message);
    const [plan] = manualReplayAccounts({ ...DEFAULT_SETTINGS, accounts: [parsed.account] });
    const ticks = ticksFromCsv(csv.split('\n').filter((l) => !l.includes('ETHUSDT') && !l.includes('SOLUSDT')).join('\n'), plan!);
    if (isFieldError(ticks)) throw new Error(`${ticks.field}: ${ticks.message}`);
    const summary = runAccountReplay(plan!, ticks);
    if (isFieldError(summary)) throw new Error(summary.message);
    expect(summary.lines.filter((l) => l.label === 'Margin call')).toHaveLength(1);
    expect(summary.lines.some((l) => l.text.startsWith('Margin call') && l.text.includes('rho 6'))).toBe(true);
  });
});
