import { WebSocket, type ClientOptions } from 'ws';

/**
 * A hand-written websocket client for the simulator tests: records every text frame, lets a test
 * wait for the first frame (from a mark on) that satisfies a predicate, and reports the close.
 * Waits have generous timeouts; no test asserts on timing.
 */
export interface TestClient {
  readonly ws: WebSocket;
  readonly frames: string[];
  send(frame: unknown): void;
  /** Index to pass as `since` so a wait only looks at frames received after this moment. */
  mark(): number;
  waitFor(match: (frame: string) => boolean, since?: number, timeoutMs?: number): Promise<string>;
  waitForJson<T = Record<string, unknown>>(match: (msg: T) => boolean, since?: number, timeoutMs?: number): Promise<T>;
  readonly closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

const parseOrUndefined = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

export async function connect(url: string, options: ClientOptions = {}): Promise<TestClient> {
  const ws = new WebSocket(url, options);
  const frames: string[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data, isBinary) => {
    frames.push(isBinary ? '<binary>' : String(data));
    for (const w of [...waiters]) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => {
      resolve({ code, reason: String(reason) });
      for (const w of [...waiters]) w();
    });
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const waitFor = (match: (frame: string) => boolean, since = 0, timeoutMs = 5000): Promise<string> =>
    new Promise((resolve, reject) => {
      let checked = since;
      const check = (): void => {
        for (; checked < frames.length; checked += 1) {
          const frame = frames[checked];
          if (frame !== undefined && match(frame)) {
            done();
            resolve(frame);
            return;
          }
        }
        if (ws.readyState === WebSocket.CLOSED) {
          done();
          reject(new Error(`socket closed before a matching frame; last frames: ${frames.slice(-3).join(' | ').slice(0, 400)}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no matching frame within ${timeoutMs} ms; last frames: ${frames.slice(-3).join(' | ').slice(0, 400)}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  return {
    ws,
    frames,
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    mark: () => frames.length,
    waitFor,
    waitForJson: async <T>(match: (msg: T) => boolean, since?: number, timeoutMs?: number): Promise<T> => {
      const frame = await waitFor((f) => {
        const parsed = parseOrUndefined(f);
        return parsed !== undefined && parsed !== null && match(parsed as T);
      }, since, timeoutMs);
      return JSON.parse(frame) as T;
    },
    closed,
    close: () => ws.close(),
  };
}

/** The HTTP status with which the server refuses a websocket upgrade (throws if it accepts). */
export function refusedUpgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      ws.close();
      reject(new Error(`upgrade to ${url} was accepted`));
    });
    ws.on('error', () => undefined);
  });
}
