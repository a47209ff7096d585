import { WebSocket } from 'ws';
import type { SeededRandom } from '../../market-paths/seeded-random.ts';
import { garbageFrame } from '../misbehaviour/garbage.ts';

/** Counters a test or the demo can read: what the simulator did to its clients. */
export interface SimStats {
  connections: number;
  drops: number;
  garbageFrames: number;
  heartbeatCloses: number;
}

export interface SocketPolicy {
  /** `garbage`: after a data frame, with probability `rate`, send a malformed copy. */
  readonly garbage?: { readonly rng: SeededRandom; readonly rate: number };
  /** `disconnects`: the real time at which the server drops this connection, and how. */
  readonly drop?: { readonly atReal: number; readonly style: 'terminate' | 'close' };
}

/**
 * One client connection as the simulator sees it: data frames go through the scenario's
 * misbehaviour (garbage, drops); control replies (acks, pongs, auth results) never do. Remembers
 * when it last sent and received, which the venue heartbeat rules read.
 */
export class SimSocket {
  lastSentReal: number;
  lastReceivedReal: number;
  readonly openedReal: number;
  private closed = false;

  constructor(
    readonly ws: WebSocket,
    readonly ordinal: number,
    private readonly policy: SocketPolicy,
    private readonly realNow: () => number,
    private readonly stats: SimStats,
    private readonly log: (line: string) => void,
  ) {
    this.openedReal = realNow();
    this.lastSentReal = this.openedReal;
    this.lastReceivedReal = this.openedReal;
    ws.on('message', () => {
      this.lastReceivedReal = this.realNow();
    });
    ws.on('pong', () => {
      this.lastReceivedReal = this.realNow();
    });
    ws.on('close', () => {
      this.closed = true;
    });
  }

  /**
   * Handles each text frame; a handler that throws is logged, never allowed to take the simulator
   * down (a hostile client must not be able to crash it).
   */
  onMessage(handler: (text: string) => void): void {
    this.ws.on('message', (data, isBinary) => {
      try {
        handler(isBinary ? '' : String(data));
      } catch (e) {
        this.log(`#${this.ordinal} message handler failed: ${(e as Error).message}`);
      }
    });
  }

  get isOpen(): boolean {
    return !this.closed && this.ws.readyState === WebSocket.OPEN;
  }

  /** A stream frame: subject to the scenario's garbage. */
  sendData(frame: unknown): void {
    this.sendText(JSON.stringify(frame));
    const garbage = this.policy.garbage;
    if (garbage !== undefined && garbage.rng.next() < garbage.rate) {
      this.sendText(garbageFrame(frame, garbage.rng).text);
      this.stats.garbageFrames += 1;
    }
  }

  /** A reply to the client (ack, pong, error): always well-formed. */
  sendControl(frame: unknown): void {
    this.sendText(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  private sendText(text: string): void {
    if (!this.isOpen) return;
    this.ws.send(text);
    this.lastSentReal = this.realNow();
  }

  /** Drops the connection if the `disconnects` scenario says its time has come; true if it did. */
  dropIfDue(realNow: number): boolean {
    const drop = this.policy.drop;
    if (drop === undefined || realNow < drop.atReal || !this.isOpen) return false;
    this.stats.drops += 1;
    this.log(`drop #${this.ordinal} (${drop.style})`);
    if (drop.style === 'terminate') this.ws.terminate();
    else this.ws.close(1001, 'simulated disconnect');
    this.closed = true;
    return true;
  }

  /** Closes for a heartbeat rule (the venue's idle or pong timeout). */
  closeForHeartbeat(code: number, reason: string): void {
    if (!this.isOpen) return;
    this.stats.heartbeatCloses += 1;
    this.log(`heartbeat close #${this.ordinal}: ${reason}`);
    if (code === 1006) this.ws.terminate();
    else this.ws.close(code, reason);
    this.closed = true;
  }

  close(code: number, reason: string): void {
    if (!this.isOpen) return;
    this.ws.close(code, reason);
    this.closed = true;
  }
}
