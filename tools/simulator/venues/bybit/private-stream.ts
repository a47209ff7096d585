import type { AccountChange } from '../../accounts/account-book.ts';
import { DEMO_CREDENTIALS } from '../../accounts/demo-credentials.ts';
import { hmacSha256Hex, signaturesEqual } from '../../server/hmac.ts';
import type { SimContext, StreamSession } from '../../server/sim-context.ts';
import type { SimSocket } from '../../server/sim-socket.ts';
import { parseJsonObject } from '../../server/json-object.ts';
import { connectionId } from '../../server/upgrade-route.ts';
import { closedPositionEntry, positionList, walletEntry } from './account-views.ts';

/**
 * `/bybit/v5/private`: `{"op":"auth","args":[apiKey, expires, signature]}` with
 * signature = hex HMAC_SHA256(secret, "GET/realtime" + expires) and expires (ms) in the future by the
 * wall clock; then topics `position` (or `position.linear`) and `wallet`. Neither sends a snapshot on
 * subscribe ("There is no snapshot event given at the time when the subscription is successful"):
 * `wallet` is pushed on funding and liquidation, `position` on liquidation (size "0"). Unrealised
 * PnL moves trigger nothing. Private pings get `{"op":"pong","args":[ms]}`; the idle window is
 * `bybitIdleMs` or the URL's `max_active_time` (30s..600s).
 */
const PRIVATE_TOPICS = ['position', 'position.linear', 'wallet'];

export class BybitPrivateSession implements StreamSession {
  private readonly connId: string;
  private authed = false;
  private readonly topics = new Set<string>();
  private lastPingReal: number;
  private seq = 8_327_597_863;
  private readonly stopListening: () => void;

  constructor(
    private readonly ctx: SimContext,
    readonly socket: SimSocket,
    private readonly idleMs: number,
  ) {
    this.connId = connectionId(socket.ordinal);
    this.lastPingReal = socket.openedReal;
    socket.onMessage((text) => this.onMessage(text));
    this.stopListening = ctx.books.bybit.subscribe((change) => this.onChange(change));
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
    const args: unknown[] = Array.isArray(msg.args) ? msg.args : [];
    switch (msg.op) {
      case 'ping':
        this.lastPingReal = this.ctx.realNow();
        this.socket.sendControl({ req_id: reqId, op: 'pong', args: [String(Date.now())], conn_id: this.connId });
        return;
      case 'auth': {
        const problem = authProblem(args, Date.now());
        this.authed = problem === undefined;
        this.reply('auth', reqId, this.authed, problem ?? '');
        return;
      }
      case 'subscribe': {
        if (!this.authed) return this.reply('subscribe', reqId, false, 'Request not authorized');
        const topics = args.filter((a): a is string => typeof a === 'string');
        if (topics.length === 0) return this.reply('subscribe', reqId, false, 'error:args must be a non-empty array of topics');
        const bad = topics.find((t) => !PRIVATE_TOPICS.includes(t));
        if (bad !== undefined) return this.reply('subscribe', reqId, false, `error:handler not found,topic:${bad}`);
        topics.forEach((t) => this.topics.add(t));
        return this.reply('subscribe', reqId, true, '');
      }
      case 'unsubscribe':
        args.forEach((a) => this.topics.delete(String(a)));
        return this.reply('unsubscribe', reqId, true, '');
      default:
        this.reply(typeof msg.op === 'string' ? msg.op : '', reqId, false, 'error:unknown op');
    }
  }

  private onChange(change: AccountChange): void {
    if (!this.authed || change.kind === 'margin-call') return;
    const book = this.ctx.books.bybit;
    this.seq += 1;
    const id = `${this.connId}-${this.seq}`;
    if (change.kind === 'liquidation') {
      const closed = change.closed.map((p) => closedPositionEntry(p, change.time, this.seq));
      const open = positionList(book, change.time, this.seq, false);
      for (const topic of ['position', 'position.linear']) {
        if (this.topics.has(topic)) this.socket.sendData({ id, topic, creationTime: change.time, data: [...closed, ...open] });
      }
    }
    if (this.topics.has('wallet')) this.socket.sendData({ id: `${id}w`, topic: 'wallet', creationTime: change.time, data: [walletEntry(book, change.time)] });
  }

  tick(_simNow: number, realNow: number): void {
    if (realNow - this.lastPingReal >= this.idleMs) this.socket.closeForHeartbeat(1006, 'no ping within the idle window');
  }

  dispose(): void {
    this.stopListening();
  }
}

/** Why an auth frame is refused, or undefined when it is good. */
function authProblem(args: readonly unknown[], wallNow: number): string | undefined {
  const [apiKey, expires, signature] = args;
  if (apiKey !== DEMO_CREDENTIALS.bybit.apiKey) return 'error:apikey not found';
  const expiresMs = Number(expires);
  if (!Number.isFinite(expiresMs) || typeof signature !== 'string') return 'Params Error';
  if (expiresMs <= wallNow) return 'error:request expired';
  const expected = hmacSha256Hex(DEMO_CREDENTIALS.bybit.secret, `GET/realtime${String(expires)}`);
  return signaturesEqual(expected, signature) ? undefined : 'error:signature verification failed';
}

/** `max_active_time=30s` .. `600s` (also `1m`..`10m`) on the private URL; undefined when absent or invalid. */
export function maxActiveTimeMs(raw: string | null): number | undefined {
  const m = raw === null ? null : /^(\d+)(s|m)$/.exec(raw);
  if (m === null || m[1] === undefined) return undefined;
  const ms = Number(m[1]) * (m[2] === 'm' ? 60_000 : 1000);
  return ms >= 30_000 && ms <= 600_000 ? ms : undefined;
}
