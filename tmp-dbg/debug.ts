import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../tools/simulator/start-simulator.ts';
import { startFakePushService } from '../tools/test-support/fake-push-service.ts';
import { binanceDemoAccountJson } from '../tools/test-support/replay-documents.ts';
import { jsonLinesLog } from '../relay/relay-log.ts';
import { startRelay } from '../relay/start-relay.ts';
const sim = await startSimulator({ port: 0, scenario: 'crash', speed: 60, seed: 1 });
const service = await startFakePushService();
const dataDir = mkdtempSync(join(tmpdir(), 'relay-dbg-'));
let batches = 0;
const relay = await startRelay({ port: 0, host: '127.0.0.1', dataDir, store: 'sqlite', shard: null, staleAfterSec: 604800, bodyLimitBytes: 65536, venuesFrom: sim.url },
  { log: jsonLinesLog((l) => process.stdout.write(l)), clock: Date.now, fetch: globalThis.fetch, drainEveryMs: 200, onBatch: (r) => { batches++; } });
const reg = await (await fetch(`${relay.url}/v1/devices`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ subscription: service.subscribe(), subject: 'mailto:a@b.test' }) })).json() as any;
const put = await fetch(`${relay.url}/v1/devices/${reg.id}/snapshot`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${reg.token}` }, body: JSON.stringify({ takenAtMs: Date.now(), accounts: [{ accountId: 'binance:demo', account: binanceDemoAccountJson() }] }) });
console.log('put', put.status, await put.text());
for (let i = 0; i < 70; i++) {
  await new Promise((r) => setTimeout(r, 1000));
  if (i % 10 === 9) console.log("t", i, service.received.map((p) => JSON.parse(p.text).notification.title + " | " + JSON.parse(p.text).notification.body));
  const ps = await relay.store.pushes(reg.id);

}
await relay.stop(); await service.close(); await sim.close();
