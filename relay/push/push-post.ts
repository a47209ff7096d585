import http from 'node:http';
import https from 'node:https';
import type { PushRequest } from '../../shared/push/push-request.ts';

/**
 * Posts one push request and gives back the push service's answer. Rejects when there is no answer
 * (refused connection, timeout): the sender treats that as a service that is down.
 */
export type PushPost = (request: PushRequest, timeoutMs: number) => Promise<{ readonly status: number; readonly retryAfter: string | null }>;

export interface HttpPushPost {
  readonly post: PushPost;
  /** Closes the kept-alive connections (relay stop). */
  close(): void;
}

/**
 * `node:http(s)` with keep-alive agents, at most `socketsPerOrigin` connections to each push service
 * (further posts wait for a free one), instead of the global `fetch`: on loopback a fetch with an
 * abort signal cost ~400-700 µs of CPU per post against ~100-200 µs here (relay/README.md, Load),
 * and a push service sees a few long connections rather than a burst of new ones.
 */
export function httpPushPost(socketsPerOrigin = 16): HttpPushPost {
  const agents = { 'http:': new http.Agent({ keepAlive: true, maxSockets: socketsPerOrigin }), 'https:': new https.Agent({ keepAlive: true, maxSockets: socketsPerOrigin }) };
  const post: PushPost = (request, timeoutMs) =>
    new Promise((resolve, reject) => {
      const url = new URL(request.url);
      const client = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : null;
      if (client === null) {
        reject(new Error(`push endpoint: ${url.protocol} is not http(s)`));
        return;
      }
      const req = client.request(
        url,
        { method: request.method, headers: { ...request.headers, 'Content-Length': String(request.body.length) }, agent: agents[url.protocol as 'http:' | 'https:'], timeout: timeoutMs },
        (res) => {
          const retryAfter = res.headers['retry-after'];
          res.resume();
          res.once('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: typeof retryAfter === 'string' ? retryAfter : null }));
          res.once('error', reject);
        },
      );
      // `timeout` fires on an idle socket, including one that waits for its answer too long.
      req.once('timeout', () => req.destroy(new Error(`push service: no answer within ${timeoutMs} ms`)));
      req.once('error', reject);
      req.end(request.body);
    });
  return {
    post,
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
