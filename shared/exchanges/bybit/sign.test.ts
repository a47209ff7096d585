import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { webCryptoHmac } from '../../platform/webcrypto-hmac.ts';
import { authFrame } from './sign.ts';
import { positionListRequest, riskLimitRequest, subscribeFrame } from './subscribe.ts';

const hmac = webCryptoHmac();
const nodeHex = (secret: string, message: string) => createHmac('sha256', secret).update(message).digest('hex');

describe('bybit signing', () => {
  it('REST: hex HMAC of timestamp + key + recvWindow + query string, in the X-BAPI headers', async () => {
    const request = await positionListRequest('XXXXXXXXXX', 'YYYYYYYYYY', 1658384314791, hmac);
    expect(request.query).toBe('category=linear&settleCoin=USDT&limit=200');
    expect(request.headers).toEqual({
      'X-BAPI-API-KEY': 'XXXXXXXXXX',
      'X-BAPI-TIMESTAMP': '1658384314791',
      'X-BAPI-RECV-WINDOW': '5000',
      'X-BAPI-SIGN': nodeHex('YYYYYYYYYY', `1658384314791XXXXXXXXXX5000${request.query}`),
    });
  });

  it('websocket auth: hex HMAC of "GET/realtime" + expires', async () => {
    const frame = JSON.parse(await authFrame('key', 'secret', 1662350400000, hmac));
    expect(frame).toEqual({ req_id: 'auth', op: 'auth', args: ['key', 1662350400000, nodeHex('secret', 'GET/realtime1662350400000')] });
  });

  it('public calls carry no key', () => {
    expect(riskLimitRequest('BTCUSDT')).toEqual({ method: 'GET', path: '/v5/market/risk-limit', query: 'category=linear&symbol=BTCUSDT', headers: {} });
    expect(JSON.parse(subscribeFrame(['tickers.BTCUSDT'], 3))).toEqual({ req_id: 'sub-3', op: 'subscribe', args: ['tickers.BTCUSDT'] });
  });
});
