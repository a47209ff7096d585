import type { SimSocket } from '../../server/sim-socket.ts';
import type { SimTiming } from '../../sim-options.ts';

/**
 * Binance's connection rules (docs/margin-math.md §2.4): the server sends a ping frame every 3 minutes
 * and drops a connection that has not ponged within 10 minutes (unsolicited pongs count); every
 * connection ends at the 24-hour mark. Returns the check the session runs on each tick.
 */
export function binanceHeartbeat(socket: SimSocket, timing: SimTiming, realNow: () => number): (now: number) => void {
  let lastPing = socket.openedReal;
  let lastPong = socket.openedReal;
  socket.ws.on('pong', () => {
    lastPong = realNow();
  });
  return (now) => {
    if (now - socket.openedReal >= timing.binanceMaxConnectionMs) {
      socket.close(1000, 'connection reached its 24 hour limit');
    } else if (now - lastPong >= timing.binancePongTimeoutMs) {
      socket.closeForHeartbeat(1006, 'no pong within the pong timeout');
    } else if (now - lastPing >= timing.binancePingIntervalMs && socket.isOpen) {
      socket.ws.ping();
      lastPing = now;
    }
  };
}
