import { parseJsonObject } from '../../server/json-object.ts';
import type { SimSocket } from '../../server/sim-socket.ts';

/**
 * OKX's rule (docs/margin-math.md §4.3): "The connection will break automatically if the subscription is
 * not established or data has not been pushed for more than 30 seconds." Traffic either way counts
 * (a client's text `ping` and the server's `pong` are traffic), so a quiet private channel survives
 * only if the client pings.
 */
export function okxKeepAlive(socket: SimSocket, idleMs: number, hasSubscription: () => boolean): (realNow: number) => void {
  return (realNow) => {
    if (!hasSubscription() && realNow - socket.openedReal >= idleMs) {
      socket.closeForHeartbeat(4004, 'no subscription established within 30 seconds');
    } else if (realNow - Math.max(socket.lastSentReal, socket.lastReceivedReal) >= idleMs) {
      socket.closeForHeartbeat(4004, 'no data pushed or received within 30 seconds');
    }
  };
}

/** OKX request envelope fields every reply echoes. */
export interface OkxRequest {
  readonly id?: unknown;
  readonly op?: unknown;
  readonly args?: unknown;
}

export const parseOkxRequest = (text: string): OkxRequest | undefined => parseJsonObject(text);

export const argObjects = (args: unknown): Record<string, unknown>[] =>
  Array.isArray(args) ? args.filter((a): a is Record<string, unknown> => typeof a === 'object' && a !== null && !Array.isArray(a)) : [];
