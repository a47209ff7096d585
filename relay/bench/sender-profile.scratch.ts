// scratch (not committed): the sender's rounds with agreements made ahead, for --cpu-prof
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { encodeBase64url } from '../../shared/push/base64url.ts';
import { generateP256KeyPair } from '../../shared/push/push-encryption.ts';
import { silentLog } from '../relay-log.ts';
import { httpPushPost } from '../push/push-post.ts';
import { pushSender } from '../push/push-sender.ts';
import { openSqliteStore } from '../store/sqlite-store.ts';
const subtle = globalThis.crypto.subtle;
const script = `require('node:http').createServer({ keepAliveTimeout: 60000 }, (q, s) => { q.resume(); q.on('end', () => { s.writeHead(201); s.end(); }); }).listen(0, '127.0.0.1', function () { console.log('sink ' + this.address().port); });`;
const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise<number>((resolve) => child.stdout.on('data', (d: Buffer) => { const m = /sink (\d+)/.exec(d.toString()); if (m) resolve(Number(m[1])); }));
const N = 1024;
const subs = await Promise.all(Array.from({ length: N }, async (_, i) => { const ua = await generateP256KeyPair(subtle, 'ecdh', true); return { endpoint: `http://127.0.0.1:${port}/push/s${i}`, keys: { p256dh: encodeBase64url(ua.publicKey), auth: encodeBase64url(crypto.getRandomValues(new Uint8Array(16))) } }; }));
const vapid = { keys: await generateP256KeyPair(subtle, 'ecdsa'), subject: 'mailto:bench@margin-sentry.test' };
const store = openSqliteStore(join(mkdtempSync(join(tmpdir(), 'r8-')), 'relay.sqlite'));
const now = Date.now();
for (let d = 0; d < N; d++) await store.createDevice({ id: `d${d}`, tokenHash: 'x', createdAtMs: now, subscription: JSON.stringify(subs[d]), vapidJwk: null, subject: vapid.subject });
const payload = JSON.stringify({ web_push: 8030, notification: { title: 'Margin call · cross margin · binance:main', body: 'x'.repeat(200), navigate: '/', tag: 't' } });
const http = httpPushPost();
const sender = pushSender({ store, log: silentLog, clock: Date.now, relayKeys: vapid.keys, post: http.post, shard: null });
let us = 0, posted = 0;
for (let round = 0; round < 12; round++) {
  await sender.drain(); await sender.settled();
  for (let d = 0; d < N; d++) await store.saveDecisions({ deviceId: `d${d}`, accountId: 'a', state: '{}', savedAtMs: now }, [{ deviceId: `d${d}`, dedupeKey: `r${round}`, payload, urgency: 'high', topicKey: `t${round % 3}`, ttlSec: 300, createdAtMs: now }]);
  const b = process.cpuUsage(); const n = await sender.drain(); const u = process.cpuUsage(b);
  if (round > 1) { us += u.user + u.system; posted += n; }
}
console.log('sender µs/push (ahead)', (us / posted).toFixed(0), 'taken', sender.prepared().taken, 'of', posted);
sender.close(); await sender.settled(); await store.close(); http.close(); child.kill();
