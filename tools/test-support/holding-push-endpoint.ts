import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A push service on loopback that takes every post and answers none until released (then 201): a slow or hung one. */
export interface HoldingPushEndpoint {
  /** A subscription endpoint on it. */
  readonly url: string;
  /** Whether a post has arrived. */
  seen(): boolean;
  /** Answers what it holds, and from then on at once. */
  release(): void;
  close(): Promise<void>;
}

export async function holdingPushEndpoint(): Promise<HoldingPushEndpoint> {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  let seen = false;
  const server = createServer((req, res) => {
    seen = true;
    req.resume();
    void released.then(() => res.writeHead(201).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/push/s1`,
    seen: () => seen,
    release,
    async close() {
      release();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
