import { spawn } from 'node:child_process';
import nodeHttp from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeBase64url } from '../../shared/push/base64url.ts';
import { generateP256KeyPair } from '../../shared/push/push-encryption.ts';
import { createCipheriv, createECDH } from 'node:crypto';
import { decodeBase64url } from '../../shared/push/base64url.ts';
import { nodeMessageCrypto, nodePushTopic } from '../push/node-message-crypto.ts';
import { pushRequest, pushRequestCache, type PushRequest, type PushSendInput } from '../../shared/push/push-request.ts';
import { silentLog } from '../relay-log.ts';
import { httpPushPost } from '../push/push-post.ts';
import { pushSender } from '../push/push-sender.ts';
import { threadPushSender } from '../push/sender-thread.ts';
import { openSqliteStore } from '../store/sqlite-store.ts';

/**
 * `npm run bench -- relay --push-cost` (and first in every relay bench run): the CPU of one push,
 * in this process (its thread pool included), as a ratio to JSON.stringify of the same payload
 * measured in the same run. 64 pushes at a time, as the sender posts them; the push service is a
 * sink in another process (201, nothing checked) so that its CPU is not counted.
 *
 * - encrypt + sign, fresh: `pushRequest` with nothing kept (the extension's path: a new VAPID
 *   signature and key import every push);
 * - encrypt + sign, kept: with `pushRequestCache` (one token per push service, keys imported once),
 *   on WebCrypto and with node:crypto's per-message operations (the relay's, node-message-crypto.ts),
 *   and the split of the latter (key pair, ECDH, HKDF, AES-GCM, Topic, each alone);
 * - the agreement made ahead (the relay makes each device's next one while its queue is empty) and
 *   what a push costs when its agreement was ready;
 * - post: the same request by `fetch`, by keep-alive `node:http` (the relay's before 2026-11-27) and by
 *   the relay's own keep-alive HTTP/1.1 client (`httpPushPost`), the last two alternately;
 * - the sender: `pushSender.drain` over a SQLite queue of pushes to distinct devices (read, encrypt,
 *   sign, post, mark in one transaction per round): what a push costs the relay's main thread and
 *   its thread pool.
 */

const CONCURRENCY = 64;

async function cpuPerOp(count: number, op: (i: number) => Promise<unknown> | unknown): Promise<number> {
  const warm = Math.min(200, count);
  for (let i = 0; i < warm; i += CONCURRENCY) await Promise.all(Array.from({ length: Math.min(CONCURRENCY, warm - i) }, (_, k) => op(i + k)));
  const before = process.cpuUsage();
  for (let i = 0; i < count; i += CONCURRENCY) await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count - i) }, (_, k) => op(i + k)));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / count;
}

/** The relay's post before 2026-11-27 08:00 UTC (`node:http`, keep-alive agent), kept here to compare. */
function nodeHttpPost(socketsPerOrigin = 16): { post: (r: PushRequest, timeoutMs: number) => Promise<number>; close(): void } {
  const agent = new nodeHttp.Agent({ keepAlive: true, maxSockets: socketsPerOrigin });
  const post = (request: PushRequest, timeoutMs: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = nodeHttp.request(new URL(request.url), { method: request.method, headers: { ...request.headers, 'Content-Length': String(request.body.length) }, agent, timeout: timeoutMs }, (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
        res.once('error', reject);
      });
      req.once('timeout', () => req.destroy(new Error('timeout')));
      req.once('error', reject);
      req.end(request.body);
    });
  return { post, close: () => agent.destroy() };
}

/** A push service that answers 201 to everything, in a process of its own. */
async function startSink(): Promise<{ origin: string; close(): void }> {
  const script = `require('node:http').createServer({ keepAliveTimeout: 60000 }, (q, s) => { q.resume(); q.on('end', () => { s.writeHead(201); s.end(); }); }).listen(0, '127.0.0.1', function () { console.log('sink ' + this.address().port); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      const m = /sink (\d+)/.exec(d.toString());
      if (m !== null) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`the sink exited (${code})`)));
  });
  return { origin: `http://127.0.0.1:${port}`, close: () => void child.kill('SIGTERM') };
}

export async function pushCostBench(count = 2_000): Promise<void> {
  const subtle = globalThis.crypto.subtle;
  const sink = await startSink();
  const payloadObject = {
    web_push: 8030,
    notification: {
      title: 'Margin call · cross margin · binance:main',
      body: 'rho 0.93: requirement 9,312.40 USDT, equity 10,013.22 USDT. Add 8,611.58 USDT to get back under Watch. For 1 % odds of liquidation in 24 h: add 12,400 USDT.',
      navigate: '/?alert=binance%3Amain%7Cpool%7Ccall',
      tag: 'binance:main|pool|call',
      app_badge: 3,
    },
  };
  const payload = JSON.stringify(payloadObject);
  const subscriptions = await Promise.all(
    Array.from({ length: 256 }, async (_, i) => {
      const ua = await generateP256KeyPair(subtle, 'ecdh', true);
      return { endpoint: `${sink.origin}/push/s${i}`, keys: { p256dh: encodeBase64url(ua.publicKey), auth: encodeBase64url(globalThis.crypto.getRandomValues(new Uint8Array(16))) } };
    }),
  );
  const vapid = { keys: await generateP256KeyPair(subtle, 'ecdsa'), subject: 'mailto:bench@margin-sentry.test' };
  const input = (i: number): PushSendInput => ({ subscription: subscriptions[i % subscriptions.length]!, payload, ttlSec: 300, urgency: 'high', topicKey: `binance:main|pool|${i % 7}`, vapid, nowSec: Math.floor(Date.now() / 1000) });
  const request = async (i: number, cache: ReturnType<typeof pushRequestCache> | null): Promise<PushRequest> => {
    const r = await pushRequest(input(i), subtle, cache);
    if (!r.ok) throw new Error(r.error);
    return r.value;
  };

  const baseline = await cpuPerOp(count * 10, () => JSON.stringify(payloadObject));
  const pushRequestCacheOnce = pushRequestCache(subtle);
  const fresh = await cpuPerOp(count, (i) => request(i, null));
  const kept = await cpuPerOp(count, (i) => request(i, pushRequestCacheOnce));
  const cache = pushRequestCache(subtle, nodeMessageCrypto(), nodePushTopic);
  const keptNode = await cpuPerOp(count, (i) => request(i, cache));
  // The relay's sender with each device's agreement made ahead (in idle time): what is left in a burst.
  const aheadMessage = nodeMessageCrypto(subscriptions.length);
  const aheadCache = pushRequestCache(subtle, aheadMessage, nodePushTopic);
  const uaKeys = subscriptions.map((s) => decodeBase64url(s.keys.p256dh)!);
  const prepare = await cpuPerOp(count, (i) => {
    aheadMessage.prepare(uaKeys[i % uaKeys.length]!);
    return aheadMessage.agree(uaKeys[i % uaKeys.length]!); // taken at once: the next prepare makes a new one
  });
  for (const k of uaKeys) aheadMessage.prepare(k);
  // Each push takes its device's agreement and the next is made at once; the row shows this less `prepare`.
  const keptAhead = await cpuPerOp(count, async (i) => {
    const r = await request(i, aheadCache);
    aheadMessage.prepare(uaKeys[i % uaKeys.length]!);
    return r;
  });
  // The split of one push's crypto, each part alone.
  const ua0 = uaKeys[0]!;
  const keyPair = await cpuPerOp(count, () => createECDH('prime256v1').generateKeys());
  const ecdh0 = createECDH('prime256v1');
  ecdh0.generateKeys();
  const agreeOnly = await cpuPerOp(count, () => ecdh0.computeSecret(ua0));
  const hmac = aheadCache.message.hmac!;
  const secret = ecdh0.computeSecret(ua0);
  const salt = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const hkdf = await cpuPerOp(count, () => {
    const prk = hmac(hmac(salt, hmac(hmac(salt, secret), ua0, ua0, Uint8Array.of(1))), salt);
    return [hmac(prk, salt), hmac(prk, salt)];
  });
  const record = new TextEncoder().encode(payload + '\x02');
  const aes = await cpuPerOp(count, () => {
    const c = createCipheriv('aes-128-gcm', salt, salt.subarray(0, 12));
    return Buffer.concat([c.update(record), c.final(), c.getAuthTag()]);
  });
  const topic = await cpuPerOp(count, (i) => nodePushTopic(`bench-${i}|binance:main|pool`));
  const requests = await Promise.all(Array.from({ length: 256 }, (_, i) => request(i, cache)));
  const viaFetch = await cpuPerOp(count, async (i) => {
    const r = requests[i % requests.length]!;
    const response = await fetch(r.url, { method: 'POST', headers: r.headers, body: r.body, signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
  });
  const http = httpPushPost();
  const before0 = nodeHttpPost();
  // Alternately, four times each: the two posts share the sink and the minutes.
  let viaHttp = 0;
  let viaNodeHttp = 0;
  for (let k = 0; k < 4; k += 1) {
    viaNodeHttp += (await cpuPerOp(count, (i) => before0.post(requests[i % requests.length]!, 10_000))) / 4;
    viaHttp += (await cpuPerOp(count, (i) => http.post(requests[i % requests.length]!, 10_000))) / 4;
  }
  before0.close();

  // The sender's whole path, from a queue in SQLite.
  const dir = mkdtempSync(join(tmpdir(), 'relay-push-cost-'));
  const store = openSqliteStore(join(dir, 'relay.sqlite'));
  const now = Date.now();
  for (let d = 0; d < subscriptions.length; d += 1) {
    await store.createDevice({ id: `d${d}`, tokenHash: 'x', createdAtMs: now, subscription: JSON.stringify(subscriptions[d]), vapidJwk: null, subject: vapid.subject });
  }
  const queue = async (round: number, perDevice: number): Promise<void> => {
    for (let d = 0; d < subscriptions.length; d += 1) {
      const pushes = Array.from({ length: perDevice }, (_, k) => ({
        deviceId: `d${d}`,
        dedupeKey: `r${round}-${k}#0`,
        payload,
        urgency: 'high' as const,
        topicKey: `t${k}`,
        ttlSec: 300,
        createdAtMs: now,
      }));
      await store.saveDecisions({ deviceId: `d${d}`, accountId: 'a', state: '{}', savedAtMs: now }, pushes);
    }
  };
  // Without agreements made ahead: every push makes its own.
  const plainSender = pushSender({ store, log: silentLog, clock: Date.now, relayKeys: vapid.keys, post: http.post, shard: null, prepareAhead: { room: 0, perDevice: 0 } });
  await queue(0, Math.ceil(count / subscriptions.length));
  await plainSender.drain(); // warm: connections open, tokens signed, keys imported
  await queue(1, Math.ceil(count / subscriptions.length));
  let before = process.cpuUsage();
  const posted = await plainSender.drain();
  let used = process.cpuUsage(before);
  const viaSender = (used.user + used.system) / Math.max(1, posted);
  // With them (the default), against without, in the same shape and alternately: rounds of one push a
  // device, each drained after the queue was empty and the sender had made its agreements (not counted:
  // idle time).
  const aheadSender = pushSender({ store, log: silentLog, clock: Date.now, relayKeys: vapid.keys, post: http.post, shard: null });
  let aheadUs = 0;
  let aheadPosted = 0;
  let roundUs = 0;
  let roundPosted = 0;
  await aheadSender.drain();
  for (let round = 2; round < 2 + 2 * Math.ceil(count / subscriptions.length); round += 1) {
    const ahead = round % 2 === 0;
    const sender = ahead ? aheadSender : plainSender;
    await sender.drain();
    await aheadSender.settled();
    await queue(round, 1);
    before = process.cpuUsage();
    const n = await sender.drain();
    used = process.cpuUsage(before);
    if (ahead) {
      aheadPosted += n;
      aheadUs += used.user + used.system;
    } else {
      roundPosted += n;
      roundUs += used.user + used.system;
    }
  }
  const viaSenderAhead = aheadUs / Math.max(1, aheadPosted);
  const tookAhead = aheadSender.prepared().taken;
  aheadSender.close();
  await aheadSender.settled();

  // The relay's sender as it runs with monitor workers: in a thread of its own (its own store
  // connection, marks written by this thread), the pool of agreements full before each round (a relay
  // in its steady state), rounds of two pushes a device. CPU of the whole process, both threads.
  const threaded = await threadPushSender({ dataDir: dir, store: 'sqlite', shard: null }, store, silentLog, (error) => console.error(`push cost: the sender thread failed: ${error.message}`));
  const filled = async (): Promise<void> => {
    let last = -1;
    for (let k = 0; k < 60; k += 1) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      await threaded.drain(); // nothing due: the thread reports its pool, then goes on filling it
      const { waiting } = threaded.prepared();
      if (waiting === last) return;
      last = waiting;
    }
  };
  let threadUs = 0;
  let threadPosted = 0;
  for (let round = 0; round < 1 + Math.ceil(count / (2 * subscriptions.length)); round += 1) {
    await filled();
    await queue(100 + round, 2);
    before = process.cpuUsage();
    const n = await threaded.drain();
    used = process.cpuUsage(before);
    if (round === 0) continue; // warm: the thread's code compiled, its connections opened
    threadPosted += n;
    threadUs += used.user + used.system;
  }
  await threaded.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  http.close();
  sink.close();

  const row = (name: string, us: number): string => `  ${name.padEnd(44)} ${us.toFixed(0).padStart(5)} µs CPU  ${(us / baseline).toFixed(0).padStart(4)} x JSON.stringify`;
  console.log(
    [
      `push cost (CPU of this process per push, ${CONCURRENCY} at a time; JSON.stringify of the ${payload.length}-octet payload = ${baseline.toFixed(1)} µs)`,
      row('encrypt + sign, nothing kept (extension)', fresh),
      row('encrypt + sign, token and key kept', kept),
      row('the same, node:crypto per message (relay)', keptNode),
      row('  of which: the message key pair', keyPair),
      row('            its ECDH secret', agreeOnly),
      row('            HKDF, five HMACs (node:crypto)', hkdf),
      row('            AES-128-GCM of the record', aes),
      row('            the Topic (SHA-256, node:crypto)', topic),
      row('the agreement made ahead (key pair + ECDH)', prepare),
      row('encrypt + sign, agreement made ahead', keptAhead - prepare),
      row('post by fetch (loopback sink)', viaFetch),
      row('post by keep-alive node:http (before)', viaNodeHttp),
      row('post by the relay\'s HTTP/1.1 client', viaHttp),
      row(`the relay's sender, queue to marked (${posted})`, viaSender),
      row(`  in rounds of one push a device, none ahead`, roundUs / Math.max(1, roundPosted)),
      row(`  the same rounds, made ahead (${tookAhead} of ${aheadPosted})`, viaSenderAhead),
      row(`the sender thread, pool full (${threadPosted})`, threadUs / Math.max(1, threadPosted)),
    ].join('\n'),
  );
}

if (process.argv[1] === import.meta.filename) await pushCostBench(Number(process.argv.find((a) => a.startsWith('--pushes='))?.slice(9) ?? 2_000));
