import { startFakePushService } from './fake-push-service.ts';

/**
 * The fake push service (fake-push-service.ts) in a process of its own, for the relay's load bench:
 * its VAPID checks and decryption then do not count as the relay's CPU. Forked with an IPC channel;
 * argv[2] is how many subscriptions to make. It sends `{ origin, subscriptions }` once, then
 * `{ received: [{ subscriptionId, tag, receivedAtMs }] }` as pushes arrive (batched per 100 ms), and
 * `{ refused }` with the refusal count when told `close`.
 */
const send = (message: unknown): void => void process.send?.(message);
const count = Number(process.argv[2] ?? '0');
const service = await startFakePushService();
send({ origin: service.origin, subscriptions: Array.from({ length: count }, () => service.subscribe()) });
let reported = 0;
const report = (): void => {
  const fresh = service.received.slice(reported);
  reported += fresh.length;
  if (fresh.length === 0) return;
  send({
    received: fresh.map((p) => ({ subscriptionId: p.subscriptionId, tag: (JSON.parse(p.text) as { notification: { tag: string } }).notification.tag, receivedAtMs: p.receivedAtMs })),
  });
};
const timer = setInterval(report, 100);
// A parent gone without saying `close` (killed) takes this process with it.
process.once('disconnect', () => setTimeout(() => process.exit(0), 1_000).unref());
process.on('message', (message) => {
  if (message !== 'close') return;
  clearInterval(timer);
  report();
  send({ refused: service.refused.length });
  void service.close().then(() => process.disconnect());
});
