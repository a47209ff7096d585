import { startFakePushService } from './fake-push-service.ts';

/**
 * The fake push service (fake-push-service.ts) in a process of its own, for the relay's load bench:
 * its VAPID checks and decryption then do not count as the relay's CPU. Forked with an IPC channel;
 * argv[2] is how many subscriptions to make. It answers each push as soon as its headers and VAPID
 * token check out and keeps the body (`decryptLater`), so that the decryption (~1 ms a push) does not
 * take the cores the relay is measured on. It sends `{ origin, subscriptions }` once; told `close`, it
 * decrypts every push it accepted and sends `{ received: [{ subscriptionId, tag, receivedAtMs }] }`
 * and `{ refused }` (bad headers or tokens, and pushes that did not decrypt).
 */
/** Resolves once the message is written: disconnecting drops messages still queued. */
const send = (message: unknown): Promise<void> => new Promise((resolve) => void process.send?.(message, undefined, {}, () => resolve()));
const count = Number(process.argv[2] ?? '0');
const service = await startFakePushService({ decryptLater: true });
void send({ origin: service.origin, subscriptions: Array.from({ length: count }, () => service.subscribe()) });
// A parent gone without saying `close` (killed) takes this process with it.
process.once('disconnect', () => setTimeout(() => process.exit(0), 1_000).unref());
process.on('message', (message) => {
  if (message !== 'close') return;
  void service.close().then(async () => {
    service.openHeld();
    const received = service.received.map((p) => ({ subscriptionId: p.subscriptionId, tag: (JSON.parse(p.text) as { notification: { tag: string } }).notification.tag, receivedAtMs: p.receivedAtMs }));
    // In slices: one IPC message per 5,000 pushes.
    for (let i = 0; i < received.length; i += 5_000) await send({ received: received.slice(i, i + 5_000) });
    await send({ refused: service.refused.length, reasons: [...new Set(service.refused.map((r) => r.reason))].slice(0, 5) });
    process.disconnect();
  });
});
