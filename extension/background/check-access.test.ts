import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VENUE_IDS } from '../../shared/engine/positions/account.ts';
import { venueAdapters } from '../../shared/exchanges/venues.ts';
import { fetchHttp } from '../../shared/platform/fetch-http.ts';
import { webCryptoHmac } from '../../shared/platform/webcrypto-hmac.ts';
import { startSimulator, type RunningSimulator } from '../../tools/simulator/start-simulator.ts';
import { checkAccess } from './check-access.ts';
import { SIMULATOR_DEMO_ACCESS, simulatorEndpoints } from './demo-accounts.ts';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, scenario: 'calm', manualClock: true });
});
afterAll(() => sim.close());

describe('checkAccess against the simulator', () => {
  it.each(VENUE_IDS)('%s: the demo keys are accepted', async (venue) => {
    expect(await checkAccess(venueAdapters[venue], simulatorEndpoints(sim.url, venue), SIMULATOR_DEMO_ACCESS[venue], fetchHttp(3_000), webCryptoHmac(), Date.now())).toEqual({ ok: true });
  });
  it.each([
    ['binance', { apiKey: 'wrong', apiSecret: 'wrong' }, 'binance refused the key: -2015 Invalid API-key, IP, or permissions for action.'],
    ['bybit', { apiKey: 'wrong', apiSecret: 'wrong' }, 'bybit refused the key: 10003 API key is invalid.'],
    ['okx', { apiKey: 'wrong', apiSecret: 'wrong', passphrase: 'x' }, 'okx refused the key: 50111 Invalid OK-ACCESS-KEY.'],
  ] as const)('%s: a wrong key is refused with the venue words', async (venue, access, refusal) => {
    expect(await checkAccess(venueAdapters[venue], simulatorEndpoints(sim.url, venue), access, fetchHttp(3_000), webCryptoHmac(), Date.now())).toEqual({ ok: false, refusal });
  });
  it('a missing key is refused before anything is sent', async () => {
    const r = await checkAccess(venueAdapters.binance, simulatorEndpoints(sim.url, 'binance'), {}, fetchHttp(3_000), webCryptoHmac(), Date.now());
    expect(r).toMatchObject({ ok: false, refusal: expect.stringContaining('apiKey') });
  });
});
