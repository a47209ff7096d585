import { header, ok, type RestReply, type RestRequest } from '../../server/rest-exchange.ts';
import type { SimContext } from '../../server/sim-context.ts';
import { accountInfo, positionRiskV2, positionRiskV3 } from './account-views.ts';
import { exchangeInfo, leverageBrackets } from './exchange-info.ts';
import type { ListenKeys } from './listen-keys.ts';
import { markQuotes, premiumIndexRow, quoteFor } from './mark-price.ts';
import { knownKey } from '../../accounts/demo-credentials.ts';
import { checkApiKey, checkSigned } from './signed-request.ts';

/**
 * Binance USDⓈ-M REST under `/binance`: the calls a read-only watcher makes. Errors use Binance's
 * shape `{"code":-1121,"msg":"Invalid symbol."}` with its HTTP statuses (400 for a bad request,
 * 401 for a bad key, 404 for an unknown path).
 */
export function binanceRest(ctx: SimContext, listenKeys: ListenKeys, req: RestRequest, wallNow: number): RestReply {
  const now = ctx.clock.now();
  const route = `${req.method} ${req.path}`;
  const symbol = req.query.get('symbol');
  const badSymbol: RestReply = { status: 400, body: { code: -1121, msg: 'Invalid symbol.' } };
  switch (route) {
    case 'GET /fapi/v1/ping':
      return ok({});
    case 'GET /fapi/v1/time':
      return ok({ serverTime: wallNow });
    case 'GET /fapi/v1/exchangeInfo':
      return ok(exchangeInfo(ctx, wallNow));
    case 'GET /fapi/v1/premiumIndex': {
      if (symbol === null) return ok(markQuotes(ctx, now).map((q) => premiumIndexRow(q, now)));
      const q = quoteFor(ctx, symbol, now);
      return q === undefined ? badSymbol : ok(premiumIndexRow(q, now));
    }
    case 'POST /fapi/v1/listenKey':
      return checkApiKey(req) ?? ok({ listenKey: listenKeys.create(now) });
    case 'PUT /fapi/v1/listenKey': {
      const problem = checkApiKey(req);
      if (problem !== undefined) return problem;
      const key = listenKeys.keepAlive(now);
      return key === undefined ? { status: 400, body: { code: -1125, msg: 'This listenKey does not exist.' } } : ok({ listenKey: key });
    }
    case 'DELETE /fapi/v1/listenKey': {
      const problem = checkApiKey(req);
      if (problem !== undefined) return problem;
      listenKeys.close();
      return ok({});
    }
    default:
      return signedRoute(ctx, req, route, symbol, wallNow, now) ?? { status: 404, body: { code: -5000, msg: `Path ${req.path}, Method ${req.method} is invalid` } };
  }
}

function signedRoute(ctx: SimContext, req: RestRequest, route: string, symbol: string | null, wallNow: number, now: number): RestReply | undefined {
  const signedRoutes = ['GET /fapi/v1/leverageBracket', 'GET /fapi/v2/positionRisk', 'GET /fapi/v3/positionRisk', 'GET /fapi/v2/account', 'GET /fapi/v3/account', 'GET /sapi/v1/account/apiRestrictions'];
  if (!signedRoutes.includes(route)) return undefined;
  const problem = checkSigned(req, wallNow);
  if (problem !== undefined) return problem;
  const book = ctx.books.binance;
  book.advance(now);
  const bySymbol = (rows: Record<string, unknown>[]): Record<string, unknown>[] =>
    symbol === null ? rows : rows.filter((r) => r['symbol'] === symbol.toUpperCase());
  switch (route) {
    case 'GET /sapi/v1/account/apiRestrictions':
      return ok(apiRestrictions(knownKey('binance', header(req, 'x-mbx-apikey') ?? '')?.canTrade ?? false));
    case 'GET /fapi/v1/leverageBracket': {
      const brackets = leverageBrackets(symbol);
      return brackets === undefined ? { status: 400, body: { code: -1121, msg: 'Invalid symbol.' } } : ok(brackets);
    }
    case 'GET /fapi/v2/positionRisk':
      return ok(bySymbol(positionRiskV2(book, now)));
    case 'GET /fapi/v3/positionRisk':
      return ok(bySymbol(positionRiskV3(book, now)));
    case 'GET /fapi/v2/account':
      return ok(accountInfo(book, now, 2));
    default:
      return ok(accountInfo(book, now, 3));
  }
}

/**
 * `GET /sapi/v1/account/apiRestrictions` (api.binance.com on the real venue; under `/binance` here):
 * the key's own permissions. The demo key reads only; the trading key may also trade futures and withdraw.
 */
const apiRestrictions = (canTrade: boolean): Record<string, unknown> => ({
  ipRestrict: false,
  createTime: 1_700_000_000_000,
  enableReading: true,
  enableWithdrawals: canTrade,
  enableInternalTransfer: false,
  enableMargin: false,
  enableFutures: canTrade,
  permitsUniversalTransfer: false,
  enableVanillaOptions: false,
  enableFixApiTrade: false,
  enableFixReadOnly: false,
  enableSpotAndMarginTrading: canTrade,
  enablePortfolioMarginTrading: false,
});
