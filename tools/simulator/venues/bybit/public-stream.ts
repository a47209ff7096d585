import { listingBySymbol, type CoinListing } from '../../market/coins.ts';
import { cadence } from '../../sim-clock.ts';
import type { SimContext, StreamSession } from '../../server/sim-context.ts';
import type { SimSocket } from '../../server/sim-socket.ts';
import { parseJsonObject } from '../../server/json-object.ts';
import { connectionId } from '../../server/upgrade-route.ts';
import { ticker } from './market-views.ts';

/**
 * `/bybit/v5/public/linear`: `tickers.{symbol}` (push every 100 ms of sim time: a `snapshot` first,
 * then `delta` frames holding only the fields that changed, docs/margin-math.md §3.3).
 * `{"op":"ping"}` gets a pong; a client that sends no ping for `bybitIdleMs` is cut.
 */
interface TickerSub {
  readonly listing: CoinListing;
  last: Record<string, string> | undefined;
  readonly due: (now: number) => boolean;
}

export class BybitPublicSession implements StreamSession {
  private readonly subs = new Map<string, TickerSub>();
  private readonly connId: string;
  private lastPingReal: number;
  private cs = 1_000_000;

  constructor(
    private readonly ctx: SimContext,
    readonly socket: SimSocket,
  ) {
    this.connId = connectionId(socket.ordinal);
    this.lastPingReal = socket.openedReal;
    socket.onMessage((text) => this.onMessage(text));
  }

  private reply(op: string, reqId: string, success: boolean, retMsg: string): void {
    this.socket.sendControl({ success, ret_msg: retMsg, conn_id: this.connId, req_id: reqId, op });
  }

  private onMessage(text: string): void {
    const msg = parseJsonObject(text);
    if (msg === undefined) {
      this.reply('', '', false, 'error:request not json');
      return;
    }
    const reqId = typeof msg.req_id === 'string' ? msg.req_id : '';
    const args = Array.isArray(msg.args) ? msg.args.filter((a): a is string => typeof a === 'string') : [];
    if (msg.op === 'ping') {
      this.lastPingReal = this.ctx.realNow();
      this.reply('ping', reqId, true, 'pong');
    } else if (msg.op === 'subscribe') {
      if (args.length === 0) {
        this.reply('subscribe', reqId, false, 'error:args must be a non-empty array of topics');
        return;
      }
      const bad = args.find((a) => this.topicListing(a) === undefined);
      if (bad !== undefined) {
        this.reply('subscribe', reqId, false, `error:handler not found,topic:${bad}`);
        return;
      }
      this.reply('subscribe', reqId, true, '');
      for (const topic of args) {
        const listing = this.topicListing(topic);
        if (listing !== undefined && !this.subs.has(topic)) this.subs.set(topic, { listing, last: undefined, due: cadence(100) });
      }
    } else if (msg.op === 'unsubscribe') {
      args.forEach((a) => this.subs.delete(a));
      this.reply('unsubscribe', reqId, true, '');
    } else {
      this.reply(typeof msg.op === 'string' ? msg.op : '', reqId, false, `error:unknown op`);
    }
  }

  private topicListing(topic: string): CoinListing | undefined {
    const m = /^tickers\.([A-Z0-9]+)$/.exec(topic);
    return m?.[1] === undefined ? undefined : listingBySymbol('bybit', m[1]);
  }

  tick(simNow: number, realNow: number): void {
    if (realNow - this.lastPingReal >= this.ctx.timing.bybitIdleMs) {
      this.socket.closeForHeartbeat(1006, 'no ping within the idle window');
      return;
    }
    for (const [topic, sub] of this.subs) {
      if (sub.last !== undefined && !sub.due(simNow)) continue;
      const now = ticker(this.ctx, sub.listing, simNow);
      const previous = sub.last;
      sub.last = now;
      this.cs += 1;
      if (previous === undefined) {
        this.socket.sendData({ topic, type: 'snapshot', data: now, cs: this.cs, ts: simNow });
        continue;
      }
      const changed = Object.entries(now).filter(([k, v]) => previous[k] !== v);
      if (changed.length === 0) continue;
      this.socket.sendData({ topic, type: 'delta', data: { symbol: now['symbol'], ...Object.fromEntries(changed) }, cs: this.cs, ts: simNow });
    }
  }
}
