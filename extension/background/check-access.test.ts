import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VENUE_IDS } from '../../shared/engine/positions/account.ts';
import { fetchHttp } from '../../shared/platform/fetch-http.ts';
import { webCryptoHmac } from '../../shared/platform/webcrypto-hmac.ts';
import { TRADING_CREDENTIALS } from '../../tools/simulator/accounts/demo-credentials.ts';
import { startSimulator, type RunningSimulator } from '../../tools/simulator/start-simulator.ts';
import { checkAccess, keyCheckEndpoints } from './check-access.ts';
import { SIMULATOR_DEMO_ACCESS, simulatorEndpoints } from '../../shared/exchanges/simulator-access.ts';
import { venueAdapters } from '../../shared/exchanges/venues.ts';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, scenario: 'calm', manualClock: true });
});
afterAll(() => sim.close());

const ports = () => ({ http: fetchHttp(3_000), hmac: webCryptoHmac(), now: () => Date.now() });

describe('checkAccess against the simulator', () => {
  it.each(VENUE_IDS)('%s: the demo (read-only) keys are accepted', async (venue) => {
    expect(await checkAccess(venue, simulatorEndpoints(sim.url, venue), SIMULATOR_DEMO_ACCESS[venue], ports())).toEqual({ ok: true });
  });
  it.each([
    ['binance', { apiKey: 'wrong', apiSecret: 'wrong' }, 'Binance refused the key: -2015 Invalid API-key, IP, or permissions for action. The key was not kept.'],
    ['bybit', { apiKey: 'wrong', apiSecret: 'wrong' }, 'Bybit refused the key: 10003 API key is invalid. The key was not kept.'],
    ['okx', { apiKey: 'wrong', apiSecret: 'wrong', passphrase: 'x' }, 'OKX refused the key: 50111 Invalid OK-ACCESS-KEY. The key was not kept.'],
  ] as const)('%s: a wrong key is refused with the venue words', async (venue, access, refusal) => {
    expect(await checkAccess(venue, simulatorEndpoints(sim.url, venue), access, ports())).toEqual({ ok: false, refusal });
  });
  it.each(['binance', 'bybit', 'okx'] as const)('%s: a key the venue says can trade or withdraw is refused', async (venue) => {
    const c = TRADING_CREDENTIALS[venue];
    const access = { apiKey: c.apiKey, apiSecret: c.secret, ...('passphrase' in c ? { passphrase: c.passphrase } : {}) };
    const r = await checkAccess(venue, simulatorEndpoints(sim.url, venue), access, ports());
    expect(r).toMatchObject({ ok: false, refusal: expect.stringMatching(/key can (trade|withdraw funds).*read-only keys only/) });
  });
  it('a missing key is refused before anything is sent', async () => {
    const r = await checkAccess('binance', simulatorEndpoints(sim.url, 'binance'), {}, ports());
    expect(r).toMatchObject({ ok: false, refusal: expect.stringContaining('apiKey') });
  });
  it("Binance's permission record is asked on its spot host live, under the venue path on the simulator", () => {
    expect(keyCheckEndpoints('binance', venueAdapters.binance.liveEndpoints)).toEqual({ rest: venueAdapters.binance.liveEndpoints.rest, spotRest: 'https://api.binance.com' });
    expect(keyCheckEndpoints('binance', simulatorEndpoints(sim.url, 'binance')).spotRest).toBe(`${sim.url}/binance`);
  });
});
