import { expect, it } from 'vitest';
import { DEMO_CREDENTIALS as c } from '../../tools/simulator/accounts/demo-credentials.ts';
import { DEMO_ACCESS } from './demo-access.ts';

it("the PWA's demo credentials are the simulator's", () => {
  expect(DEMO_ACCESS).toStrictEqual({
    binance: { apiKey: c.binance.apiKey, apiSecret: c.binance.secret },
    bybit: { apiKey: c.bybit.apiKey, apiSecret: c.bybit.secret },
    okx: { apiKey: c.okx.apiKey, apiSecret: c.okx.secret, passphrase: c.okx.passphrase },
    hyperliquid: { address: c.hyperliquid.address },
  });
});
