import { LISTINGS, listingBySymbol } from '../../market/coins.ts';
import { header, type RestReply, type RestRequest } from '../../server/rest-exchange.ts';
import type { SimContext } from '../../server/sim-context.ts';
import { positionList, walletEntry } from './account-views.ts';
import { riskLimitRows, ticker } from './market-views.ts';
import { knownKey } from '../../accounts/demo-credentials.ts';
import { bybitSignatureProblem } from './signed-request.ts';

/**
 * Bybit v5 REST under `/bybit`. Every answer is HTTP 200 with Bybit's envelope
 * {"retCode":0,"retMsg":"OK","result":{...},"retExtInfo":{},"time":ms}; failures carry a non-zero
 * retCode (10001 parameter error, 10002 timestamp, 10003 key, 10004 signature).
 */
export function bybitRest(ctx: SimContext, req: RestRequest, wallNow: number): RestReply {
  const envelope = (result: unknown, retCode = 0, retMsg = 'OK'): RestReply => ({
    status: 200,
    body: { retCode, retMsg, result, retExtInfo: {}, time: wallNow },
  });
  const now = ctx.clock.now();
  const q = req.query;
  const symbol = q.get('symbol');
  const listings = symbol === null ? LISTINGS : [listingBySymbol('bybit', symbol)].filter((l) => l !== undefined);
  const needLinear = (): RestReply | undefined =>
    q.get('category') === 'linear' ? undefined : envelope({}, 10001, 'params error: category only support linear in this simulator');
  if (symbol !== null && listings.length === 0) return envelope({}, 10001, 'params error: symbol invalid');
  switch (`${req.method} ${req.path}`) {
    case 'GET /v5/market/time':
      return envelope({ timeSecond: String(Math.floor(wallNow / 1000)), timeNano: `${wallNow}000000` });
    case 'GET /v5/market/tickers':
      return needLinear() ?? envelope({ category: 'linear', list: listings.map((l) => ticker(ctx, l, now)) });
    case 'GET /v5/market/risk-limit':
      return needLinear() ?? envelope({ category: 'linear', list: listings.flatMap((l) => riskLimitRows(l)), nextPageCursor: '' });
    case 'GET /v5/position/list':
    case 'GET /v5/account/wallet-balance':
    case 'GET /v5/account/info':
    case 'GET /v5/user/query-api':
      break;
    default:
      return { status: 404, body: { retCode: 10404, retMsg: `path not found: ${req.path}`, result: {}, retExtInfo: {}, time: wallNow } };
  }
  const problem = bybitSignatureProblem(req, wallNow);
  if (problem !== undefined) return envelope({}, problem.retCode, problem.retMsg);
  const book = ctx.books.bybit;
  book.advance(now);
  switch (req.path) {
    case '/v5/user/query-api':
      return envelope(apiKeyInfo(header(req, 'x-bapi-api-key') ?? '', wallNow));
    case '/v5/position/list': {
      if (symbol === null && q.get('settleCoin') === null) return envelope({}, 10001, 'symbol or settleCoin is required');
      const rows = positionList(book, now, 1, true).filter((r) => symbol === null || r['symbol'] === symbol);
      return needLinear() ?? envelope({ list: rows, nextPageCursor: '', category: 'linear' });
    }
    case '/v5/account/wallet-balance':
      if (q.get('accountType') !== 'UNIFIED') return envelope({}, 10001, 'accountType only support UNIFIED');
      return envelope({ list: [walletEntry(book, now)] });
    default:
      return envelope({
        unifiedMarginStatus: 5,
        marginMode: 'REGULAR_MARGIN',
        isMasterTrader: false,
        spotHedgingStatus: 'OFF',
        updatedTime: String(book.updatedMs),
        dcpStatus: 'OFF',
        timeWindow: 10,
        smpGroup: 0,
      });
  }
}

/**
 * `GET /v5/user/query-api`: the key's own record. `readOnly` 1 for the demo key; the trading key has
 * `readOnly` 0 and contract-trade and withdraw permissions.
 */
function apiKeyInfo(apiKey: string, wallNow: number): Record<string, unknown> {
  const canTrade = knownKey('bybit', apiKey)?.canTrade ?? false;
  return {
    id: canTrade ? '21' : '20',
    note: canTrade ? 'trading key' : 'margin sentry',
    apiKey,
    readOnly: canTrade ? 0 : 1,
    secret: '',
    permissions: {
      ContractTrade: canTrade ? ['Order', 'Position'] : [],
      Spot: [],
      Wallet: canTrade ? ['AccountTransfer', 'Withdraw'] : [],
      Options: [],
      Derivatives: [],
      CopyTrading: [],
      BlockTrade: [],
      Exchange: [],
      NFT: [],
      Affiliate: [],
    },
    ips: ['*'],
    type: 1,
    deadlineDay: 83,
    expiredAt: new Date(wallNow + 83 * 86_400_000).toISOString(),
    createdAt: '2026-01-01T00:00:00Z',
    unified: 0,
    uta: 1,
    userID: 24617703,
    inviterID: 0,
    vipLevel: 'No VIP',
    mktMakerLevel: '0',
    affiliateID: 0,
    rsaPublicKey: '',
    isMaster: true,
  };
}
