import type { AccountChange } from '../../accounts/account-book.ts';
import type { SimPosition } from '../../accounts/sim-position.ts';
import { DEMO_CREDENTIALS } from '../../accounts/demo-credentials.ts';
import { COIN_LISTINGS } from '../../market/coins.ts';
import type { SimContext, StreamSession } from '../../server/sim-context.ts';
import type { SimSocket } from '../../server/sim-socket.ts';
import { connectionId } from '../../server/upgrade-route.ts';
import { balanceAndPosition, balanceRow, positionRows } from './account-views.ts';
import { argObjects, okxKeepAlive, parseOkxRequest } from './keep-alive.ts';
import { loginProblem } from './signatures.ts';

/**
 * `/okx/ws/v5/private`: `login`, then `positions` (args instType SWAP|ANY, optional instFamily /
 * instId, optional extraParams '{"updateInterval":"0"}'), `balance_and_position` and `account`.
 * Each sends a snapshot after the subscribe ack; `positions` and `account` repeat it every
 * `okxSnapshotIntervalMs` unless updateInterval is "0"; funding and liquidation push
 * `event_update` / `funding_fee` / `liquidation` frames. Text `ping` gets `pong`.
 */
type Channel = 'positions' | 'balance_and_position' | 'account';
interface Sub {
  readonly channel: Channel;
  readonly arg: Record<string, unknown>;
  readonly regular: boolean;
  lastSnapshotReal: number;
}

const UID = DEMO_CREDENTIALS.okx.uid;

export class OkxPrivateSession implements StreamSession {
  private readonly connId: string;
  private loggedIn = false;
  private readonly subs = new Map<Channel, Sub>();
  private readonly keepAlive: (realNow: number) => void;
  private readonly stopListening: () => void;

  constructor(
    private readonly ctx: SimContext,
    readonly socket: SimSocket,
  ) {
    this.connId = connectionId(socket.ordinal);
    this.keepAlive = okxKeepAlive(socket, ctx.timing.okxIdleMs, () => this.subs.size > 0);
    socket.onMessage((text) => this.onMessage(text));
    this.stopListening = ctx.books.okx.subscribe((change) => this.onChange(change));
  }

  private error(code: string, msg: string, idEcho: object): void {
    this.socket.sendControl({ ...idEcho, event: 'error', code, msg, connId: this.connId });
  }

  private onMessage(text: string): void {
    if (text === 'ping') return this.socket.sendControl('pong');
    const req = parseOkxRequest(text);
    const idEcho = typeof req?.id === 'string' ? { id: req.id } : {};
    if (req === undefined) return this.error('60012', `Invalid request: ${text.slice(0, 100)}`, idEcho);
    const args = argObjects(req.args);
    if (req.op === 'login') {
      const problem = loginProblem(args[0], Date.now());
      this.loggedIn = problem === undefined;
      if (problem !== undefined) return this.error(problem.code, problem.msg, idEcho);
      return this.socket.sendControl({ ...idEcho, event: 'login', code: '0', msg: '', connId: this.connId });
    }
    if (req.op !== 'subscribe' && req.op !== 'unsubscribe') return this.error('60012', `Invalid request: ${text.slice(0, 100)}`, idEcho);
    if (!this.loggedIn) return this.error('60011', 'Please log in', idEcho);
    for (const arg of args) {
      const channel = arg['channel'];
      if (channel !== 'positions' && channel !== 'balance_and_position' && channel !== 'account') {
        this.error('60018', `Wrong URL or channel:${String(channel)} doesn't exist. Please use the correct URL, channel and parameters referring to API document.`, idEcho);
        continue;
      }
      if (channel === 'positions' && !['SWAP', 'ANY'].includes(String(arg['instType']))) {
        this.error('60018', `Wrong URL or channel:positions,instType:${String(arg['instType'])} doesn't exist. Please use the correct URL, channel and parameters referring to API document.`, idEcho);
        continue;
      }
      const ackArg = { ...arg, uid: UID };
      delete (ackArg as Record<string, unknown>)['extraParams'];
      this.socket.sendControl({ ...idEcho, event: req.op, arg: ackArg, connId: this.connId });
      if (req.op === 'unsubscribe') {
        this.subs.delete(channel);
        continue;
      }
      const regular = channel !== 'balance_and_position' && !/"updateInterval"\s*:\s*"?0"?/.test(String(arg['extraParams'] ?? ''));
      const sub: Sub = { channel, arg: ackArg, regular, lastSnapshotReal: this.ctx.realNow() };
      this.subs.set(channel, sub);
      this.push(sub, this.ctx.clock.now(), 'snapshot', []);
    }
  }

  private push(sub: Sub, t: number, eventType: string, closed: readonly SimPosition[]): void {
    const book = this.ctx.books.okx;
    if (sub.channel === 'balance_and_position') {
      this.socket.sendData({ arg: { channel: sub.channel, uid: UID }, data: [balanceAndPosition(book, t, eventType, closed)] });
      return;
    }
    if (sub.channel === 'account') {
      this.socket.sendData({ arg: sub.arg, eventType: eventType === 'snapshot' ? 'snapshot' : 'event_update', curPage: 1, lastPage: true, data: [balanceRow(book, t)] });
      return;
    }
    const rows = positionRows(book, t).filter((r) => this.matches(sub.arg, r));
    const closedRows = closed.map((p) => ({ instId: COIN_LISTINGS[p.coin].okx, instType: 'SWAP', mgnMode: p.marginMode, pos: '0', posSide: 'net', ccy: 'USDT', uTime: String(t), pTime: String(t) }));
    this.socket.sendData({ arg: sub.arg, eventType: eventType === 'snapshot' ? 'snapshot' : 'event_update', curPage: 1, lastPage: true, data: [...rows, ...closedRows.filter((r) => this.matches(sub.arg, r))] });
  }

  private matches(arg: Record<string, unknown>, row: Record<string, unknown>): boolean {
    const instId = String(row['instId']);
    if (typeof arg['instId'] === 'string' && arg['instId'] !== instId) return false;
    if (typeof arg['instFamily'] === 'string' && !instId.startsWith(`${arg['instFamily']}-`)) return false;
    return true;
  }

  private onChange(change: AccountChange): void {
    if (change.kind === 'margin-call') return;
    const eventType = change.kind === 'funding' ? 'funding_fee' : 'liquidation';
    const closed = change.kind === 'liquidation' ? change.closed : [];
    for (const sub of this.subs.values()) this.push(sub, change.time, eventType, closed);
  }

  tick(simNow: number, realNow: number): void {
    for (const sub of this.subs.values()) {
      if (sub.regular && realNow - sub.lastSnapshotReal >= this.ctx.timing.okxSnapshotIntervalMs) {
        sub.lastSnapshotReal = realNow;
        this.push(sub, simNow, 'snapshot', []);
      }
    }
    this.keepAlive(realNow);
  }

  dispose(): void {
    this.stopListening();
  }
}
