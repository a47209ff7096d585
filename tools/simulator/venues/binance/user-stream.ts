import type { SimContext, StreamSession } from '../../server/sim-context.ts';
import type { SimSocket } from '../../server/sim-socket.ts';
import { userDataEvent } from './account-views.ts';
import { binanceHeartbeat } from './heartbeat.ts';
import type { ListenKeys } from './listen-keys.ts';

/**
 * `/binance/private/ws?listenKey=K&events=A/B` (raw) and `/binance/private/stream?listenKey=K&events=..`
 * (wrapped as {"stream":K,"data":..}). `events`, when given, is an allow-list (docs/margin-math.md §2.4):
 * only the named events are delivered, `listenKeyExpired` included. Pushes ACCOUNT_UPDATE on funding
 * and liquidation, MARGIN_CALL when the account's worst rho reaches 0.8, and `listenKeyExpired`
 * once when the key lapses (sim time); after that the socket stays open but carries no account events.
 */
export class BinanceUserSession implements StreamSession {
  private readonly heartbeat: (now: number) => void;
  private readonly stopListening: () => void;
  private expired = false;

  constructor(
    ctx: SimContext,
    readonly socket: SimSocket,
    private readonly listenKeys: ListenKeys,
    private readonly listenKey: string,
    private readonly events: ReadonlySet<string> | undefined,
    private readonly combined: boolean,
  ) {
    this.heartbeat = binanceHeartbeat(socket, ctx.timing, ctx.realNow);
    const book = ctx.books.binance;
    this.stopListening = book.subscribe((change) => {
      if (this.expired) return;
      const event = userDataEvent(book, change);
      if (event !== null) this.push(event);
    });
  }

  private push(event: Record<string, unknown>): void {
    if (this.events !== undefined && !this.events.has(String(event['e']))) return;
    this.socket.sendData(this.combined ? { stream: this.listenKey, data: event } : event);
  }

  tick(simNow: number, realNow: number): void {
    this.heartbeat(realNow);
    if (!this.expired && !this.listenKeys.isValid(this.listenKey, simNow)) {
      this.expired = true;
      this.push({ e: 'listenKeyExpired', E: String(simNow), listenKey: this.listenKey });
    }
  }

  dispose(): void {
    this.stopListening();
  }
}

/** `events=A/B` (slash possibly sent as %2F, already decoded by URLSearchParams); undefined = all. */
export function eventAllowList(raw: string | null): ReadonlySet<string> | undefined {
  if (raw === null || raw === '') return undefined;
  return new Set(raw.split('/').filter((e) => e !== ''));
}
