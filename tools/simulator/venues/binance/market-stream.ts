import { cadence } from '../../sim-clock.ts';
import type { SimContext, StreamSession } from '../../server/sim-context.ts';
import { parseJsonObject } from '../../server/json-object.ts';
import type { SimSocket } from '../../server/sim-socket.ts';
import { binanceHeartbeat } from './heartbeat.ts';
import { markPriceUpdate, markQuotes, quoteFor } from './mark-price.ts';

/**
 * `/binance/market/ws/<stream>` (raw payloads) and `/binance/market/stream?streams=a/b` (each wrapped
 * as {"stream","data"}). Streams: `<symbol>@markPrice` (every 3 s), `<symbol>@markPrice@1s`,
 * `!markPrice@arr` and `!markPrice@arr@1s` (every symbol, several hundred). Live SUBSCRIBE /
 * UNSUBSCRIBE / LIST_SUBSCRIPTIONS frames are answered {"result":null,"id":..}. Unknown but
 * well-formed stream names are accepted and stay silent, as Binance does.
 */
const SINGLE = /^([a-z0-9]+)@markPrice(@1s)?$/;
const ALL = /^!markPrice@arr(@1s)?$/;

export class BinanceMarketSession implements StreamSession {
  private readonly streams = new Map<string, (now: number) => boolean>();
  private readonly heartbeat: (now: number) => void;

  constructor(
    private readonly ctx: SimContext,
    readonly socket: SimSocket,
    initialStreams: readonly string[],
    private readonly combined: boolean,
  ) {
    this.heartbeat = binanceHeartbeat(socket, ctx.timing, ctx.realNow);
    for (const s of initialStreams) this.add(s);
    socket.onMessage((text) => this.onMessage(text));
  }

  private add(stream: string): void {
    if (!this.streams.has(stream)) this.streams.set(stream, cadence(stream.endsWith('@1s') ? 1000 : 3000));
  }

  private onMessage(text: string): void {
    const m = parseJsonObject(text);
    if (m === undefined) {
      this.socket.sendControl({ error: { code: 3, msg: 'Invalid JSON: expected an object' }, id: null });
      return;
    }
    const id = typeof m['id'] === 'number' || typeof m['id'] === 'string' ? m['id'] : null;
    const rawParams = m['params'];
    const params = Array.isArray(rawParams) ? rawParams.filter((p): p is string => typeof p === 'string') : [];
    if ((m['method'] === 'SUBSCRIBE' || m['method'] === 'UNSUBSCRIBE') && (!Array.isArray(rawParams) || params.length !== rawParams.length)) {
      this.socket.sendControl({ error: { code: 2, msg: 'Invalid request: params must be an array of stream names' }, id });
      return;
    }
    switch (m['method']) {
      case 'SUBSCRIBE':
        params.forEach((p) => this.add(p));
        this.socket.sendControl({ result: null, id });
        return;
      case 'UNSUBSCRIBE':
        params.forEach((p) => this.streams.delete(p));
        this.socket.sendControl({ result: null, id });
        return;
      case 'LIST_SUBSCRIPTIONS':
        this.socket.sendControl({ result: [...this.streams.keys()], id });
        return;
      default:
        this.socket.sendControl({ error: { code: 2, msg: 'Invalid request: unknown method' }, id });
    }
  }

  tick(simNow: number, realNow: number): void {
    this.heartbeat(realNow);
    for (const [stream, due] of this.streams) {
      if (!due(simNow)) continue;
      const payload = this.payload(stream, simNow);
      if (payload !== undefined) this.socket.sendData(this.combined ? { stream, data: payload } : payload);
    }
  }

  private payload(stream: string, t: number): unknown {
    if (ALL.test(stream)) return markQuotes(this.ctx, t).map((q) => markPriceUpdate(q, t));
    const single = SINGLE.exec(stream);
    if (single === null || single[1] === undefined) return undefined;
    const q = quoteFor(this.ctx, single[1], t);
    return q === undefined ? undefined : markPriceUpdate(q, t);
  }
}

/** Stream names from a raw path (`/market/ws/a/b`) or a combined query (`streams=a/b`). */
export function streamNames(list: string | null): string[] {
  return (list ?? '').split('/').filter((s) => s !== '');
}
