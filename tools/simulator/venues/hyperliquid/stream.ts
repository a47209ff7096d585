import type { AccountChange } from '../../accounts/account-book.ts';
import { DEMO_CREDENTIALS } from '../../accounts/demo-credentials.ts';
import { listingBySymbol, type CoinListing } from '../../market/coins.ts';
import { cadence } from '../../sim-clock.ts';
import type { SimContext, StreamSession } from '../../server/sim-context.ts';
import { parseJsonObject } from '../../server/json-object.ts';
import type { SimSocket } from '../../server/sim-socket.ts';
import { allMids, assetCtx, clearinghouseState } from './views.ts';

/**
 * `/hyperliquid/ws` (docs/margin-math.md §5.3). First frame: the text "Websocket connection established.".
 * `{"method":"subscribe","subscription":{...}}` is acknowledged with a `subscriptionResponse`, then:
 * `allMids` every second of sim time, `activeAssetCtx` (per coin) every second, `clearinghouseState`
 * (per user) once at once and again on every account change. The event's data is
 * {"dex":"","user":..,"clearinghouseState":{...}} (the live venue's wrapping). `{"method":"ping"}` gets
 * `{"channel":"pong"}`. The server closes a connection it has sent nothing to for `hyperliquidIdleMs`.
 */
type Sub =
  | { readonly kind: 'allMids'; readonly key: string; readonly due: (t: number) => boolean }
  | { readonly kind: 'activeAssetCtx'; readonly key: string; readonly listing: CoinListing; readonly due: (t: number) => boolean }
  | { readonly kind: 'clearinghouseState'; readonly key: string; readonly user: string };

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

export class HyperliquidSession implements StreamSession {
  private readonly subs = new Map<string, Sub>();
  private readonly stopListening: () => void;

  constructor(
    private readonly ctx: SimContext,
    readonly socket: SimSocket,
  ) {
    socket.sendControl('Websocket connection established.');
    socket.onMessage((text) => this.onMessage(text));
    this.stopListening = ctx.books.hyperliquid.subscribe((change) => this.onChange(change));
  }

  private onMessage(text: string): void {
    const msg = parseJsonObject(text);
    if (msg === undefined) {
      this.socket.sendControl({ channel: 'error', data: `Invalid message: ${text.slice(0, 100)}` });
      return;
    }
    if (msg.method === 'ping') return this.socket.sendControl({ channel: 'pong' });
    if (msg.method !== 'subscribe' && msg.method !== 'unsubscribe') {
      return this.socket.sendControl({ channel: 'error', data: `Unknown method: ${text.slice(0, 100)}` });
    }
    const sub = this.parseSubscription(msg.subscription);
    if (sub === undefined) {
      return this.socket.sendControl({ channel: 'error', data: `Invalid subscription ${JSON.stringify(msg.subscription ?? null).slice(0, 200)}` });
    }
    this.socket.sendControl({ channel: 'subscriptionResponse', data: { method: msg.method, subscription: msg.subscription } });
    if (msg.method === 'unsubscribe') {
      this.subs.delete(sub.key);
      return;
    }
    this.subs.set(sub.key, sub);
    const now = this.ctx.clock.now();
    if (sub.kind !== 'clearinghouseState') sub.due(now); // the push below is this period's
    this.push(sub, now);
  }

  private parseSubscription(raw: unknown): Sub | undefined {
    if (typeof raw !== 'object' || raw === null) return undefined;
    const s = raw as { type?: unknown; coin?: unknown; user?: unknown };
    if (s.type === 'allMids') return { kind: 'allMids', key: 'allMids', due: cadence(1000) };
    if (s.type === 'activeAssetCtx' && typeof s.coin === 'string') {
      const listing = listingBySymbol('hyperliquid', s.coin);
      return listing === undefined ? undefined : { kind: 'activeAssetCtx', key: `ctx:${s.coin}`, listing, due: cadence(1000) };
    }
    if (s.type === 'clearinghouseState' && typeof s.user === 'string' && ADDRESS.test(s.user)) {
      return { kind: 'clearinghouseState', key: `chs:${s.user.toLowerCase()}`, user: s.user };
    }
    return undefined;
  }

  private push(sub: Sub, t: number): void {
    switch (sub.kind) {
      case 'allMids':
        return this.socket.sendData({ channel: 'allMids', data: { mids: allMids(this.ctx, t) } });
      case 'activeAssetCtx':
        return this.socket.sendData({ channel: 'activeAssetCtx', data: { coin: sub.listing.hyperliquid, ctx: assetCtx(this.ctx, sub.listing, t) } });
      case 'clearinghouseState': {
        const isDemo = sub.user.toLowerCase() === DEMO_CREDENTIALS.hyperliquid.address;
        const state = clearinghouseState(isDemo ? this.ctx.books.hyperliquid : undefined, t);
        return this.socket.sendData({ channel: 'clearinghouseState', data: { dex: '', user: sub.user, clearinghouseState: state } });
      }
    }
  }

  private onChange(change: AccountChange): void {
    if (change.kind === 'margin-call') return;
    for (const sub of this.subs.values()) {
      if (sub.kind === 'clearinghouseState' && sub.user.toLowerCase() === DEMO_CREDENTIALS.hyperliquid.address) this.push(sub, change.time);
    }
  }

  tick(simNow: number, realNow: number): void {
    for (const sub of this.subs.values()) {
      if (sub.kind !== 'clearinghouseState' && sub.due(simNow)) this.push(sub, simNow);
    }
    if (realNow - this.socket.lastSentReal >= this.ctx.timing.hyperliquidIdleMs) {
      this.socket.closeForHeartbeat(1006, 'server sent nothing for 60 seconds');
    }
  }

  dispose(): void {
    this.stopListening();
  }
}
