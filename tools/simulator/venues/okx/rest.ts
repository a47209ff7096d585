import { LISTINGS, type CoinListing } from '../../market/coins.ts';
import { header, type RestReply, type RestRequest } from '../../server/rest-exchange.ts';
import type { SimContext } from '../../server/sim-context.ts';
import { balanceRow, positionRows } from './account-views.ts';
import { instrumentRow, markPriceRow, positionTierRows } from './market-views.ts';
import { knownKey } from '../../accounts/demo-credentials.ts';
import { restSignatureProblem } from './signatures.ts';

/**
 * OKX v5 REST under `/okx`. Envelope {"code":"0","msg":"","data":[...]}; a parameter error is
 * HTTP 400 with code 51000/50014, an authentication error HTTP 401 with code 501xx, as OKX does.
 */
export function okxRest(ctx: SimContext, req: RestRequest, wallNow: number): RestReply {
  const data = (rows: unknown[]): RestReply => ({ status: 200, body: { code: '0', msg: '', data: rows } });
  const fail = (status: number, code: string, msg: string): RestReply => ({ status, body: { code, msg, data: [] } });
  const q = req.query;
  const now = ctx.clock.now();
  const instId = q.get('instId');
  const family = q.get('instFamily') ?? q.get('uly');
  const pick = (matches: (l: CoinListing) => boolean): CoinListing[] => LISTINGS.filter(matches);
  const byInst = pick((l) => instId === null || l.okx === instId);
  if (req.method !== 'GET') return fail(405, '50000', 'Method not allowed');
  switch (req.path) {
    case '/api/v5/public/time':
      return data([{ ts: String(wallNow) }]);
    case '/api/v5/public/instruments':
      if (q.get('instType') !== 'SWAP') return fail(400, '51000', 'Parameter instType error');
      return data(byInst.filter((l) => family === null || `${l.coin}-USDT` === family).map(instrumentRow));
    case '/api/v5/public/mark-price':
      if (q.get('instType') !== 'SWAP') return fail(400, '51000', 'Parameter instType error');
      return data(byInst.map((l) => markPriceRow(ctx, l, now)));
    case '/api/v5/public/position-tiers': {
      if (q.get('instType') !== 'SWAP') return fail(400, '51000', 'Parameter instType error');
      if (!['cross', 'isolated'].includes(q.get('tdMode') ?? '')) return fail(400, '50014', 'Parameter tdMode can not be empty.');
      if (family === null) return fail(400, '50014', 'Parameter instFamily can not be empty.');
      const listings = pick((l) => family.split(',').includes(`${l.coin}-USDT`));
      if (listings.length === 0) return fail(400, '51000', 'Parameter instFamily error');
      return data(listings.flatMap(positionTierRows));
    }
    case '/api/v5/account/positions':
    case '/api/v5/account/balance':
    case '/api/v5/account/config':
      break;
    default:
      return fail(404, '50000', `Not found: ${req.path}`);
  }
  const problem = restSignatureProblem(req, wallNow);
  if (problem !== undefined) return fail(401, problem.code, problem.msg);
  const book = ctx.books.okx;
  book.advance(now);
  if (req.path === '/api/v5/account/balance') return data([balanceRow(book, now)]);
  if (req.path === '/api/v5/account/config') return data([accountConfig(knownKey('okx', header(req, 'ok-access-key') ?? ''))]);
  const instType = q.get('instType');
  if (instType !== null && instType !== 'SWAP') return data([]);
  return data(positionRows(book, now).filter((r) => instId === null || instId.split(',').includes(String(r['instId']))));
}

/**
 * `GET /api/v5/account/config`: the account's settings and the key's `perm`
 * (`read_only`, `trade`, `withdraw`, comma-separated). The demo key reads only.
 */
function accountConfig(key: { canTrade: boolean } | undefined): Record<string, unknown> {
  const canTrade = key?.canTrade ?? false;
  return {
    uid: canTrade ? '448300176234553345' : '448300176234553344',
    mainUid: canTrade ? '448300176234553345' : '448300176234553344',
    acctLv: '2',
    posMode: 'net_mode',
    autoLoan: false,
    greeksType: 'PA',
    level: 'Lv1',
    levelTmp: '',
    ctIsoMode: 'automatic',
    mgnIsoMode: 'automatic',
    roleType: '0',
    spotRoleType: '0',
    opAuth: '0',
    kycLv: '2',
    label: canTrade ? 'trading key' : 'margin sentry',
    ip: '',
    perm: canTrade ? 'read_only,trade,withdraw' : 'read_only',
    liquidationGear: '-1',
    enableSpotBorrow: false,
    spotBorrowAutoRepay: false,
    type: '0',
  };
}
