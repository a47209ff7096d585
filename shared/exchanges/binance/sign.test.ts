import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { webCryptoHmac } from '../../platform/webcrypto-hmac.ts';
import { signedQuery } from './sign.ts';
import { leverageBracketRequest, positionRiskRequest, userDataUrl, marketUrl, subscribeFrame, createListenKey } from './subscribe.ts';

const hmac = webCryptoHmac();

describe('binance signing', () => {
  it("reproduces the HMAC example of Binance's API docs (SIGNED endpoint examples)", async () => {
    // https://developers.binance.com/docs/binance-spot-api-docs/rest-api/request-security, HMAC example.
    const secret = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';
    const query = 'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559';
    expect(await signedQuery(query, secret, hmac)).toBe(`${query}&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71`);
  });

  it('signs the exact query it sends (checked with node:crypto)', async () => {
    const request = await leverageBracketRequest('my-key', 'my-secret', 1_790_000_000_000, hmac, 'BTCUSDT');
    expect(request.method).toBe('GET');
    expect(request.path).toBe('/fapi/v1/leverageBracket');
    expect(request.headers).toEqual({ 'X-MBX-APIKEY': 'my-key' });
    const [unsigned, signature] = request.query.split('&signature=') as [string, string];
    expect(unsigned).toBe('symbol=BTCUSDT&recvWindow=5000&timestamp=1790000000000');
    expect(signature).toBe(createHmac('sha256', 'my-secret').update(unsigned).digest('hex'));
    const positions = await positionRiskRequest('k', 's', 5, hmac);
    expect(positions.path).toBe('/fapi/v3/positionRisk');
    expect(positions.query.startsWith('recvWindow=5000&timestamp=5&signature=')).toBe(true);
  });
});

describe('binance outbound frames and URLs', () => {
  it('market stream URL, SUBSCRIBE frame, user-data URL with the consumed events', () => {
    expect(marketUrl('wss://fstream.binance.com', ['BTCUSDT', 'ETHUSDT'])).toBe(
      'wss://fstream.binance.com/market/stream?streams=btcusdt@markPrice@1s/ethusdt@markPrice@1s',
    );
    expect(JSON.parse(subscribeFrame(['SOLUSDT'], 4))).toEqual({ method: 'SUBSCRIBE', params: ['solusdt@markPrice@1s'], id: 4 });
    expect(userDataUrl('ws://127.0.0.1:1/binance', 'abc')).toBe(
      'ws://127.0.0.1:1/binance/private/ws?listenKey=abc&events=ACCOUNT_UPDATE/MARGIN_CALL/listenKeyExpired/ACCOUNT_CONFIG_UPDATE',
    );
    expect(createListenKey('k')).toEqual({ method: 'POST', path: '/fapi/v1/listenKey', query: '', headers: { 'X-MBX-APIKEY': 'k' } });
  });
});
