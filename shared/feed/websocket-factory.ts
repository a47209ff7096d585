import type { SocketFactory } from '../ports/socket.ts';

/**
 * The WHATWG websocket as both the browser's `WebSocket` and the `ws` package implement it, reduced
 * to what the feed uses. Method syntax keeps the parameter types loose enough for both.
 */
export interface WebSocketLike {
  send(data: string): void;
  close(): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: 'error', listener: () => void): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

/**
 * A `SocketFactory` from a websocket constructor: `webSocketFactory(WebSocket)` in a browser or an
 * extension worker, `webSocketFactory(WebSocket)` with `import { WebSocket } from 'ws'` in Node.
 * Both answer protocol pings by themselves and hand text frames to listeners as strings (`ws` converts
 * them in its event-target layer); binary frames become null, which the feed counts as dropped. An
 * `error` event is always followed by `close`, which reports.
 */
export function webSocketFactory(Ctor: WebSocketConstructor): SocketFactory {
  return (url, handlers) => {
    const socket = new Ctor(url);
    socket.addEventListener('open', () => handlers.onOpen());
    socket.addEventListener('message', (event) => handlers.onMessage(typeof event.data === 'string' ? event.data : null));
    socket.addEventListener('close', (event) => handlers.onClose(event.code, event.reason));
    socket.addEventListener('error', () => undefined);
    return { send: (text) => socket.send(text), close: () => socket.close() };
  };
}
