import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchHttp } from '../platform/fetch-http.ts';
import { webCryptoHmac } from '../platform/webcrypto-hmac.ts';
import { DEMO_CREDENTIALS, TRADING_CREDENTIALS } from '../../tools/simulator/accounts/demo-credentials.ts';
import { startSimulator } from '../../tools/simulator/start-simulator.ts';
import type { HttpClient } from '../ports/http.ts';
import { checkKey, type KeyCheckPorts } from './key-check.ts';

type Sim = Awaited<ReturnType<typeof startSimulator>>;
let sim: Sim;
const ports: KeyCheckPorts = { http: fetchHttp(5000), hmac: webCryptoHmac(), now: () => Date.now() };
const at = (venue: string): { rest: string; spotRest: string } => ({ rest: `${sim.url}/${venue}`, spotRest: `${sim.url}/${venue}` });

beforeAll(async () => {
  sim = await startSimulator({ port: 0, manualClock: true });
});
afterAll(async () => {
  await sim.close();
});

describe('checkKey against the simulator over loopback', () => {
  it('keeps the read-only demo key of every venue', async () => {
    const b = DEMO_CREDENTIALS.binance;
    const y = DEMO_CREDENTIALS.bybit;
    const o = DEMO_CREDENTIALS.okx;
    expect(await checkKey('binance', { apiKey: b.apiKey, apiSecret: b.secret }, at('binance'), ports)).toEqual({ ok: true, message: 'Binance accepted the key, and it is read-only.' });
    expect(await checkKey('bybit', { apiKey: y.apiKey, apiSecret: y.secret }, at('bybit'), ports)).toMatchObject({ ok: true });
    expect(await checkKey('okx', { apiKey: o.apiKey, apiSecret: o.secret, passphrase: o.passphrase }, at('okx'), ports)).toMatchObject({ ok: true });
  });

  it("refuses a wrong key with the venue's own words", async () => {
    const b = await checkKey('binance', { apiKey: 'not-a-key', apiSecret: 'x' }, at('binance'), ports);
    expect(b).toMatchObject({ ok: false, reason: 'refused' });
    expect(b.message).toContain('-2015 Invalid API-key, IP, or permissions for action.');
    const y = await checkKey('bybit', { apiKey: DEMO_CREDENTIALS.bybit.apiKey, apiSecret: 'wrong-secret' }, at('bybit'), ports);
    expect(y).toMatchObject({ ok: false, reason: 'refused' });
    expect(y.message).toContain('10004 error sign!');
    const o = DEMO_CREDENTIALS.okx;
    const ox = await checkKey('okx', { apiKey: o.apiKey, apiSecret: o.secret, passphrase: 'wrong' }, at('okx'), ports);
    expect(ox.message).toContain('OKX refused the key: 50105 OK-ACCESS-PASSPHRASE incorrect.');
  });

  it('refuses an expired signature (clock far off) as the venue words it', async () => {
    const b = DEMO_CREDENTIALS.binance;
    const r = await checkKey('binance', { apiKey: b.apiKey, apiSecret: b.secret }, at('binance'), { ...ports, now: () => Date.now() - 3_600_000 });
    expect(r.message).toContain('-1021 Timestamp for this request is outside of the recvWindow.');
  });

  it('refuses a key that can trade or withdraw, naming the permission', async () => {
    const b = TRADING_CREDENTIALS.binance;
    const y = TRADING_CREDENTIALS.bybit;
    const o = TRADING_CREDENTIALS.okx;
    const rb = await checkKey('binance', { apiKey: b.apiKey, apiSecret: b.secret }, at('binance'), ports);
    expect(rb).toMatchObject({ ok: false, reason: 'can-withdraw' });
    expect(rb.message).toContain('enableWithdrawals');
    const ry = await checkKey('bybit', { apiKey: y.apiKey, apiSecret: y.secret }, at('bybit'), ports);
    expect(ry).toMatchObject({ ok: false, reason: 'can-withdraw' });
    const ro = await checkKey('okx', { apiKey: o.apiKey, apiSecret: o.secret, passphrase: o.passphrase }, at('okx'), ports);
    expect(ro).toMatchObject({ ok: false, reason: 'can-withdraw' });
    expect(ro.message).toContain('perm: read_only,trade,withdraw');
  });

  it('names a missing field and checks a Hyperliquid address without sending anything', async () => {
    expect(await checkKey('okx', { apiKey: 'k', apiSecret: 's' }, at('okx'), ports)).toEqual({ ok: false, reason: 'missing', message: 'passphrase: required for OKX' });
    expect(await checkKey('hyperliquid', { address: '0x12' }, at('hyperliquid'), ports)).toMatchObject({ ok: false, reason: 'missing' });
    expect(await checkKey('hyperliquid', { address: DEMO_CREDENTIALS.hyperliquid.address }, at('hyperliquid'), ports)).toMatchObject({ ok: true });
  });
});

describe('checkKey when no answer arrives', () => {
  it("says a fetch TypeError is a CORS refusal or a network failure, and keeps nothing", async () => {
    const refusing: HttpClient = { send: () => Promise.reject(new TypeError('Failed to fetch')) };
    const r = await checkKey('okx', { apiKey: 'k', apiSecret: 's', passphrase: 'p' }, { rest: 'https://www.okx.com' }, { ...ports, http: refusing });
    expect(r).toMatchObject({ ok: false, reason: 'unreachable' });
    expect(r.message).toBe(
      "OKX could not be reached at www.okx.com: the browser refused the request (CORS) or the network is down. The key was not kept. If this venue's REST is blocked for web pages, pair your relay in Settings and try again.",
    );
  });
});
