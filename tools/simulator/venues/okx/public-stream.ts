import { listingBySymbol, type CoinListing } from '../../market/coins.ts';
import { cadence } from '../../sim-clock.ts';
import type { SimContext, StreamSession } from '../../server/sim-context.ts';
import type { SimSocket } from '../../server/sim-socket.ts';
import { connectionId } from '../../server/upgrade-route.ts';
import { argObjects, okxKeepAlive, parseOkxRequest } from './keep-alive.ts';
import { fundingRateRow, markPriceRow } from './market-views.ts';

/**
 * `/okx/ws/v5/public`: the `mark-price` and `funding-rate` channels for the SWAP instruments. After
 * the subscribe ack the current mark is pushed, then every 200 ms of sim time when it changed and every
 * 10 s when it did not (OKX's documented cadence); the funding rate at once and then every 60 s (OKX
 * says 30 to 90 s). Text `ping` gets text `pong`.
 */
interface MarkSub {
  readonly listing: CoinListing;
  lastPx: string | undefined;
  lastPushSim: number;
  readonly due: (now: number) => boolean;
}

export class OkxPublicSession implements StreamSession {
  private readonly subs = new Map<string, MarkSub>();
  private readonly fundingSubs = new Map<string, { readonly listing: CoinListing; sent: boolean; readonly due: (now: number) => boolean }>();
  private readonly connId: string;
  private readonly keepAlive: (realNow: number) => void;

  constructor(
    private readonly ctx: SimContext,
    readonly socket: SimSocket,
  ) {
    this.connId = connectionId(socket.ordinal);
    this.keepAlive = okxKeepAlive(socket, ctx.timing.okxIdleMs, () => this.subs.size > 0);
    socket.onMessage((text) => this.onMessage(text));
  }

  private onMessage(text: string): void {
    if (text === 'ping') {
      this.socket.sendControl('pong');
      return;
    }
    const req = parseOkxRequest(text);
    const idEcho = typeof req?.id === 'string' ? { id: req.id } : {};
    if (req === undefined || (req.op !== 'subscribe' && req.op !== 'unsubscribe')) {
      this.socket.sendControl({ ...idEcho, event: 'error', code: '60012', msg: `Invalid request: ${text.slice(0, 100)}`, connId: this.connId });
      return;
    }
    for (const arg of argObjects(req.args)) {
      const instId = typeof arg['instId'] === 'string' ? arg['instId'] : '';
      const channel = arg['channel'];
      const listing = channel === 'mark-price' || channel === 'funding-rate' ? listingBySymbol('okx', instId) : undefined;
      if (listing === undefined) {
        this.socket.sendControl({
          ...idEcho,
          event: 'error',
          code: '60018',
          msg: `Wrong URL or channel:${String(arg['channel'])},instId:${instId} doesn't exist. Please use the correct URL, channel and parameters referring to API document.`,
          connId: this.connId,
        });
        continue;
      }
      this.socket.sendControl({ ...idEcho, event: req.op, arg: { channel: String(channel), instId }, connId: this.connId });
      if (channel === 'funding-rate') {
        if (req.op === 'unsubscribe') this.fundingSubs.delete(instId);
        else if (!this.fundingSubs.has(instId)) this.fundingSubs.set(instId, { listing, sent: false, due: cadence(60_000) });
      } else if (req.op === 'unsubscribe') this.subs.delete(instId);
      else if (!this.subs.has(instId)) this.subs.set(instId, { listing, lastPx: undefined, lastPushSim: 0, due: cadence(200) });
    }
  }

  tick(simNow: number, realNow: number): void {
    for (const [instId, sub] of this.subs) {
      const fresh = sub.lastPx === undefined;
      if (!fresh && !sub.due(simNow)) continue;
      const row = markPriceRow(this.ctx, sub.listing, simNow);
      if (!fresh && row['markPx'] === sub.lastPx && simNow - sub.lastPushSim < 10_000) continue;
      sub.lastPx = row['markPx'];
      sub.lastPushSim = simNow;
      this.socket.sendData({ arg: { channel: 'mark-price', instId }, data: [row] });
    }
    for (const [instId, sub] of this.fundingSubs) {
      if (sub.sent && !sub.due(simNow)) continue;
      sub.sent = true;
      this.socket.sendData({ arg: { channel: 'funding-rate', instId }, data: [fundingRateRow(this.ctx, sub.listing, simNow)] });
    }
    this.keepAlive(realNow);
  }
}
