import { expect, it } from 'vitest';
import { DEMO_CREDENTIALS as c } from '../../tools/simulator/accounts/demo-credentials.ts';
import { SIMULATOR_DEMO_ACCESS, simulatorEndpoints } from './simulator-access.ts';

it("the shared copy of the simulator's demo credentials is the simulator's own", () => {
  expect(SIMULATOR_DEMO_ACCESS).toStrictEqual({
    binance: { apiKey: c.binance.apiKey, apiSecret: c.binance.secret },
    bybit: { apiKey: c.bybit.apiKey, apiSecret: c.bybit.secret },
    okx: { apiKey: c.okx.apiKey, apiSecret: c.okx.secret, passphrase: c.okx.passphrase },
    hyperliquid: { address: c.hyperliquid.address },
  });
});

it("the simulator's venues live under its origin, REST and websocket alike", () => {
  expect(simulatorEndpoints('http://127.0.0.1:8780/ignored?x=1', 'okx')).toEqual({ rest: 'http://127.0.0.1:8780/okx', ws: 'ws://127.0.0.1:8780/okx' });
  expect(simulatorEndpoints('https://sim.example', 'bybit')).toEqual({ rest: 'https://sim.example/bybit', ws: 'wss://sim.example/bybit' });
});
