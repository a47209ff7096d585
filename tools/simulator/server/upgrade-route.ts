import type { StreamSession } from './sim-context.ts';
import type { SimSocket } from './sim-socket.ts';

/** What a venue decides for a websocket upgrade: open a session, or refuse with an HTTP answer. */
export type UpgradeRoute =
  | { readonly kind: 'accept'; readonly session: (socket: SimSocket) => StreamSession }
  | { readonly kind: 'reject'; readonly status: number; readonly body: unknown };

/** A connection id like the venues' (`conn_id`, `connId`): short, stable per connection ordinal. */
export const connectionId = (ordinal: number): string => `sim${(0x5eed0000 + ordinal * 7919).toString(16)}`;
