import { DEMO_CREDENTIALS } from '../../accounts/demo-credentials.ts';
import { LISTINGS } from '../../market/coins.ts';
import type { RestReply, RestRequest } from '../../server/rest-exchange.ts';
import type { SimContext } from '../../server/sim-context.ts';
import { allMids, assetCtx, clearinghouseState, meta } from './views.ts';

/**
 * `POST /hyperliquid/info` (no auth: any address is readable). Types: clearinghouseState (the demo
 * address holds the demo positions, any other valid address an empty account), meta,
 * metaAndAssetCtxs, allMids. A body Hyperliquid cannot read gets HTTP 422 with a plain message.
 */
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

export function hyperliquidInfo(ctx: SimContext, req: RestRequest): RestReply {
  if (req.method !== 'POST' || req.path !== '/info') return { status: 404, body: 'Not Found' };
  let body: { type?: unknown; user?: unknown };
  try {
    body = JSON.parse(req.body) as typeof body;
  } catch {
    return { status: 422, body: 'Failed to deserialize the JSON body into the target type' };
  }
  const now = ctx.clock.now();
  switch (body.type) {
    case 'clearinghouseState': {
      if (typeof body.user !== 'string' || !ADDRESS.test(body.user)) {
        return { status: 422, body: 'Failed to deserialize the JSON body into the target type: user: invalid address' };
      }
      const isDemo = body.user.toLowerCase() === DEMO_CREDENTIALS.hyperliquid.address;
      if (isDemo) ctx.books.hyperliquid.advance(now);
      return { status: 200, body: clearinghouseState(isDemo ? ctx.books.hyperliquid : undefined, now) };
    }
    case 'meta':
      return { status: 200, body: meta() };
    case 'metaAndAssetCtxs':
      return { status: 200, body: [meta(), LISTINGS.map((l) => assetCtx(ctx, l, now))] };
    case 'allMids':
      return { status: 200, body: allMids(ctx, now) };
    default:
      return { status: 422, body: `Failed to deserialize the JSON body into the target type: type: unknown variant \`${String(body.type)}\`` };
  }
}
