import { parseRelayConfig } from './relay-config.ts';
import { jsonLinesLog } from './relay-log.ts';
import { startRelay } from './start-relay.ts';

/**
 * `npm run relay -- --data DIR [--port P] …` (see relay/README.md). The composition root: Node's
 * clock, fetch and stdout here; everything else is built by startRelay. SIGINT/SIGTERM stop it
 * gracefully; a second signal exits at once.
 */
const parsed = parseRelayConfig(process.argv.slice(2), process.env);
if (!parsed.ok) {
  process.stderr.write(`${parsed.error}\n`);
  process.exit(2);
}
const log = jsonLinesLog((line) => process.stdout.write(line));
const onWorkerFailed = (error: Error): void => {
  // Its devices would go unwatched in silence: exit, and let the supervisor start the relay again
  // (every monitor comes back from the store).
  log.error('monitor worker failed; exiting', { error: error.message });
  process.exit(70);
};
const relay = await startRelay(parsed.config, { log, clock: Date.now, fetch: globalThis.fetch, onWorkerFailed }).catch((error: unknown) => {
  process.stderr.write(`relay: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    relay.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
