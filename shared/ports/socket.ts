/**
 * The smallest websocket the feed needs: text in, text out, open and close. Homes build it from the
 * browser's `WebSocket` or from the `ws` package (shared/feed/websocket-factory.ts adapts either).
 * Protocol-level ping frames are answered by both implementations themselves (Binance relies on it).
 */
export interface SocketHandlers {
  onOpen(): void;
  /** One text frame. Binary frames are passed as `null` (no venue we use sends them). */
  onMessage(text: string | null): void;
  /** Called once, after an error too. */
  onClose(code: number, reason: string): void;
}

export interface FeedSocket {
  send(text: string): void;
  /** Closes the socket; `onClose` still follows. */
  close(): void;
}

export type SocketFactory = (url: string, handlers: SocketHandlers) => FeedSocket;
