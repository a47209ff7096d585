import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { webCryptoHmac } from '../../platform/webcrypto-hmac.ts';
import { loginFrame } from './sign.ts';
import { positionsRequest, positionTiersRequest } from './subscribe.ts';

const hmac = webCryptoHmac();
const nodeB64 = (secret: string, message: string) => createHmac('sha256', secret).update(message).digest('base64');

describe('okx signing', () => {
  it('REST: Base64 HMAC of ISO timestamp + method + path?query + body', async () => {
    const request = await positionsRequest({ apiKey: 'k', apiSecret: 's', passphrase: 'p' }, Date.UTC(2020, 11, 8, 9, 8, 57, 715), hmac);
    expect(request.query).toBe('instType=SWAP');
    expect(request.headers).toEqual({
      'OK-ACCESS-KEY': 'k',
      'OK-ACCESS-SIGN': nodeB64('s', '2020-12-08T09:08:57.715ZGET/api/v5/account/positions?instType=SWAP'),
      'OK-ACCESS-TIMESTAMP': '2020-12-08T09:08:57.715Z',
      'OK-ACCESS-PASSPHRASE': 'p',
    });
  });

  it('websocket login: Base64 HMAC of unix seconds + GET + /users/self/verify', async () => {
    const frame = JSON.parse(await loginFrame('k', 's', 'p', 1538054050_975, hmac));
    expect(frame).toEqual({ op: 'login', args: [{ apiKey: 'k', passphrase: 'p', timestamp: '1538054050', sign: nodeB64('s', '1538054050GET/users/self/verify') }] });
  });

  it('tier requests name the swap family', () => {
    expect(positionTiersRequest('ETH-USDT-SWAP').query).toBe('instType=SWAP&tdMode=cross&instFamily=ETH-USDT');
  });
});
