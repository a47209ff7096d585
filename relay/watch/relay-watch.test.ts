import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertRecord } from '../../shared/engine/alerts/alert-decision.ts';
import { evaluateAccount } from '../../shared/engine/margin/evaluate-account.ts';
import { parseMonitorSnapshot } from '../../shared/engine/monitor/parse-monitor-snapshot.ts';
import { parseAccountInput } from '../../shared/exchanges/parse-account-input.ts';
import { marginModels } from '../../shared/exchanges/venues.ts';
import { isFieldError } from '../../shared/units/field-error.ts';
import { price } from '../../shared/units/units.ts';
import { startSimulator, type RunningSimulator } from '../../tools/simulator/start-simulator.ts';
import { startFakePushService, type FakePushService, type ReceivedPush } from '../../tools/test-support/fake-push-service.ts';
import { binanceDemoAccountJson, demoAccountJson } from '../../tools/test-support/replay-documents.ts';
import { repoRoot } from '../../tools/test-support/run-command.ts';
import { waitFor } from '../../tools/test-support/wait-for.ts';
import type { RelayConfig } from '../relay-config.ts';
import { silentLog } from '../relay-log.ts';
import { startRelay, type Relay } from '../start-relay.ts';
import { openSqliteStore } from '../store/sqlite-store.ts';
import { withAlertPart } from './alert-part.ts';
import { testDir } from '../../tools/test-support/test-dir.ts';

/**
 * End to end on loopback: the exchange simulator plays the crash, the relay follows its public marks
 * (no key), runs the monitor on the account a phone sent it and posts Web Push messages that a local
 * push service verifies and decrypts (http_ece, not our code). Then the relay is killed with SIGKILL
 * mid-crash and started again on the same data folder.
 */

const ACCOUNT_ID = 'binance:demo';
let sim: RunningSimulator | undefined;
let service: FakePushService | undefined;
let relay: Relay | undefined;
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await relay?.stop();
  relay = undefined;
  await service?.close();
  service = undefined;
  await sim?.close();
  sim = undefined;
});

const configFor = (dataDir: string, venuesFrom: string): RelayConfig => ({
  port: 0,
  host: '127.0.0.1',
  dataDir,
  store: 'sqlite',
  shard: null,
  workers: 0,
  // Sim time runs 60 times faster than the phone's clock: only the stale test wants an old snapshot.
  staleAfterSec: 7 * 86_400,
  bodyLimitBytes: 65_536,
  venuesFrom,
});

interface Message {
  readonly title: string;
  readonly body: string;
  readonly tag: string;
  readonly navigate: string;
}

const messageOf = (p: ReceivedPush): Message => (JSON.parse(p.text) as { notification: Message }).notification;

async function pair(
  relayUrl: string,
  pushService: FakePushService,
  takenAtMs: number,
  account: Record<string, unknown> = binanceDemoAccountJson(),
  accountId = ACCOUNT_ID,
): Promise<{ id: string; token: string; endpoint: string }> {
  const subscription = pushService.subscribe();
  const registered = await fetch(`${relayUrl}/v1/devices`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ subscription, subject: 'mailto:trader@margin-sentry.test' }),
  });
  expect(registered.status).toBe(201);
  const device = (await registered.json()) as { id: string; token: string };
  const put = await fetch(`${relayUrl}/v1/devices/${device.id}/snapshot`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${device.token}` },
    body: JSON.stringify({ takenAtMs, accounts: [{ accountId, account }] }),
  });
  expect(put.status).toBe(200);
  return { ...device, endpoint: subscription.endpoint };
}

/** The monitor the relay saved for the device, read back as its restart does: the whole snapshot and the newer alert part over it. */
async function savedMonitor(dataDir: string, deviceId: string) {
  const store = openSqliteStore(join(dataDir, 'relay.sqlite'));
  try {
    const [record] = await store.monitors(deviceId);
    if (record === undefined) return null;
    const whole: unknown = JSON.parse(record.state);
    const merged = record.alerts === null ? whole : withAlertPart(whole, JSON.parse(record.alerts), record.accountId);
    if (isFieldError(merged)) throw new Error(`${merged.field}: ${merged.message}`);
    const snapshot = parseMonitorSnapshot(merged);
    if (isFieldError(snapshot)) throw new Error(`${snapshot.field}: ${snapshot.message}`);
    return snapshot;
  } finally {
    await store.close();
  }
}

async function queuedPushes(dataDir: string, deviceId: string) {
  const store = openSqliteStore(join(dataDir, 'relay.sqlite'));
  try {
    return await store.pushes(deviceId);
  } finally {
    await store.close();
  }
}

async function waitForAsync(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const usdtText = (n: number): string => `${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} USDT`;

describe('relay watcher, end to end against the simulator', () => {
  it('the crash: pushes decrypted by the push service carry the margin call and its top-up, figures the engine gives for the snapshot at the alert marks', async () => {
    sim = await startSimulator({ port: 0, scenario: 'crash', speed: 60, seed: 1 });
    service = await startFakePushService();
    const dataDir = testDir('relay-watch-');
    relay = await startRelay(configFor(dataDir, sim.url), { log: silentLog, clock: Date.now, fetch: globalThis.fetch, drainEveryMs: 200 });
    const device = await pair(relay.url, service, Date.now());
    await waitFor('the watcher follows the device', () => relay?.watcher.counts()['binance'] === 1);

    const pushes = service;
    // The policy pushes the forecast first ("Margin call likely", with its top-up), then the tiers.
    const critical = await waitFor(
      'a Margin call or Critical push for the cross pool',
      () => pushes.received.map(messageOf).find((m) => /^(Margin call|Critical)( likely)? · cross margin/.test(m.title)),
      60_000,
    );
    expect(service.refused).toEqual([]);
    expect(critical.title).toMatch(new RegExp(`^(Margin call|Critical)( likely)? · cross margin · ${ACCOUNT_ID}$`));
    expect(critical.navigate).toBe(`?alert=${encodeURIComponent(critical.tag)}`);
    const headers = service.received.find((p) => messageOf(p).tag === critical.tag)!.headers;
    expect(headers['ttl']).toBe('300');
    expect(headers['urgency']).toBe(critical.title.startsWith('Critical') ? 'high' : 'normal');
    expect(headers['topic']).toMatch(/^[\w-]{1,32}$/);

    // The alert as the monitor recorded it: the suggested top-up in the push is the engine's.
    await relay.watcher.settled();
    const monitor = await savedMonitor(dataDir, device.id);
    const record = monitor?.state.alerts.history.find((a: AlertRecord) => a.id === critical.tag && a.reminder === 0);
    expect(record).toBeDefined();
    // The smallest top-up back to the target first; a forecast below the target carries only the odds one.
    const topUp = record!.topUpUsdt ?? 0;
    const odds = record!.oddsTopUpUsdt ?? 0;
    expect(Math.max(topUp, odds)).toBeGreaterThan(0);
    if (topUp > 0) expect(critical.body).toContain(`Add ${usdtText(topUp)}`);
    if (odds > topUp) expect(critical.body).toContain(`For 1 % odds of liquidation in 24 h: add ${usdtText(odds)}`);
    // And the record's figures are the snapshot's account at the alert's marks (the relay's feed marks).
    const input = parseAccountInput(binanceDemoAccountJson());
    if (isFieldError(input)) throw new Error(input.message);
    const atMarks = { ...input.account, positions: input.account.positions.map((p) => ({ ...p, markPrice: price(record!.marks[p.symbol]!) })) };
    const risk = evaluateAccount(atMarks, marginModels.binance);
    expect(record!.equityUsdt).toBeCloseTo(risk.equity, 6);
    expect(record!.requirementUsdt).toBeCloseTo(risk.maintenanceMargin, 6);
    expect(record!.riskRatio).toBeCloseTo(risk.riskRatio, 9);
    // The top-up is the smallest back to the target (Watch, 0.5), to the cent; the odds one is apart.
    const back = Math.max(0, risk.maintenanceMargin / 0.5 - risk.equity);
    expect(topUp).toBeGreaterThanOrEqual(back - 1e-6);
    expect(topUp).toBeLessThanOrEqual(back + 0.01 + 1e-6);

    // Queued once per alert id and reminder; never a push for a resolve.
    const queued = await relay.store.pushes(device.id);
    expect(new Set(queued.map((p) => p.dedupeKey)).size).toBe(queued.length);
    expect(queued.every((p) => /#\d+$/.test(p.dedupeKey))).toBe(true);
    expect(service.received.every((p) => messageOf(p).title.length > 0 && messageOf(p).body.length > 0)).toBe(true);
  }, 120_000);

  it('Bybit, OKX and Hyperliquid accounts through their own public mark streams: each gets its margin-call push, figures by its venue model', async () => {
    sim = await startSimulator({ port: 0, scenario: 'crash', speed: 60, seed: 1 });
    service = await startFakePushService();
    const dataDir = testDir('relay-venues-');
    const rehearsals: Record<string, unknown>[] = [];
    const log = { info: (message: string, fields?: Record<string, unknown>) => void (message === 'rehearsed a crash' && rehearsals.push(fields ?? {})), error: () => {} };
    relay = await startRelay({ ...configFor(dataDir, sim.url), workers: 2 }, { log, clock: Date.now, fetch: globalThis.fetch, drainEveryMs: 200 });
    const venues = ['bybit', 'okx', 'hyperliquid'] as const;
    const devices = new Map<(typeof venues)[number], { id: string; endpoint: string }>();
    for (const venue of venues) devices.set(venue, await pair(relay.url, service, Date.now(), demoAccountJson(venue), `${venue}:demo`));
    await waitFor('the watcher follows every device', () => venues.every((v) => relay?.watcher.counts()[v] === 1));

    const pushes = service;
    for (const venue of venues) {
      const subscriptionId = devices.get(venue)!.endpoint.split('/').pop();
      const critical = await waitFor(
        `a Margin call or Critical push for the ${venue} cross pool`,
        () =>
          pushes.received
            .filter((p) => p.subscriptionId === subscriptionId)
            .map(messageOf)
            .find((m) => new RegExp(`^(Margin call|Critical)( likely)? · cross margin · ${venue}:demo$`).test(m.title)),
        90_000,
      );
      await relay.watcher.settled();
      const monitor = await savedMonitor(dataDir, devices.get(venue)!.id);
      const record = monitor?.state.alerts.history.find((a: AlertRecord) => a.id === critical.tag && a.reminder === 0);
      expect(record, venue).toBeDefined();
      // The smallest top-up back to the target first; a forecast below the target carries only the odds one.
      const topUp = record!.topUpUsdt ?? 0;
      const odds = record!.oddsTopUpUsdt ?? 0;
      expect(Math.max(topUp, odds), venue).toBeGreaterThan(0);
      if (topUp > 0) expect(critical.body).toContain(`Add ${usdtText(topUp)}`);
      if (odds > topUp) expect(critical.body).toContain(`For 1 % odds of liquidation in 24 h: add ${usdtText(odds)}`);
      // The record's figures are the snapshot's account at the marks the relay had from this venue's stream.
      const input = parseAccountInput(demoAccountJson(venue));
      if (isFieldError(input)) throw new Error(input.message);
      expect(Object.keys(record!.marks).sort()).toEqual(input.account.positions.map((p) => p.symbol).sort());
      const atMarks = { ...input.account, positions: input.account.positions.map((p) => ({ ...p, markPrice: price(record!.marks[p.symbol]!) })) };
      const risk = evaluateAccount(atMarks, marginModels[venue]);
      expect(record!.equityUsdt).toBeCloseTo(risk.equity, 6);
      expect(record!.requirementUsdt).toBeCloseTo(risk.maintenanceMargin, 6);
      const queued = await relay.store.pushes(devices.get(venue)!.id);
      expect(new Set(queued.map((p) => p.dedupeKey)).size).toBe(queued.length);
    }
    expect(service.refused).toEqual([]);
    // The worker that took each device rehearsed a crash with it first (rehearsal.ts): its tiers crossed, pushes asked, none sent.
    for (const venue of venues) {
      const told = rehearsals.filter((r) => r.venue === venue);
      expect(told, venue).toHaveLength(1);
      expect(told[0]).toMatchObject({ devices: 1 });
      expect(told[0]!.pushes as number, venue).toBeGreaterThan(0);
    }
    expect(service.received.length).toBeGreaterThan(0);
  }, 150_000);

  it('a snapshot older than staleAfterSec makes its alerts say how old the positions are', async () => {
    sim = await startSimulator({ port: 0, scenario: 'crash', speed: 60, seed: 1 });
    service = await startFakePushService();
    const dataDir = testDir('relay-watch-');
    relay = await startRelay({ ...configFor(dataDir, sim.url), staleAfterSec: 60 }, { log: silentLog, clock: Date.now, fetch: globalThis.fetch, drainEveryMs: 200 });
    const takenAtMs = Date.now() - 20 * 60_000;
    await pair(relay.url, service, takenAtMs);
    const pushes = service;
    const first = await waitFor('a push', () => pushes.received.map(messageOf).find((m) => !m.title.startsWith('Data stale')), 60_000);
    expect(first.body).toMatch(new RegExp(`Positions as of ${new Date(takenAtMs).toISOString().slice(11, 16)} UTC, \\d+ min old\\.$`));
  }, 120_000);

  it('killed with SIGKILL mid-crash and started again on its data folder: nothing lost, nothing sent twice, open alerts keep their ids', async () => {
    // Half the speed of the test above: the restart (a new Node process) takes a few real seconds.
    sim = await startSimulator({ port: 0, scenario: 'crash', speed: 30, seed: 1 });
    service = await startFakePushService();
    const dataDir = testDir('relay-kill-');
    const args = ['--data', dataDir, '--port', '0', '--workers', '2', '--venues-from', sim.url, '--stale-after-sec', String(7 * 86_400)];
    const startChild = async (): Promise<{ child: ChildProcess; url: string }> => {
      // node itself (not npm or the tsx wrapper, which would leave an orphan behind a SIGKILL).
      const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'relay/main.ts'), ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      const url = await waitFor('the relay to start', () => /"message":"relay started","url":"([^"]+)"/.exec(out)?.[1], 30_000);
      return { child, url };
    };

    const first = await startChild();
    const device = await pair(first.url, service, Date.now());
    const pushes = service;
    // The first tier pushed (a prediction or Margin call), then the kill, while higher tiers are still to
    // come. Killed once the store has marked what was posted: a kill between posting and marking sends
    // that one push again after the restart (at least once; the phone shows it once by its tag and Topic).
    await waitFor('a first push', () => pushes.received.length > 0, 90_000);
    // (Or replaced: a newer push for the same subject queued before it was posted; it is never posted.)
    await waitForAsync('the posted pushes marked sent', async () => (await queuedPushes(dataDir, device.id)).every((p) => p.status === 'sent' || p.status === 'replaced'));
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const before = await savedMonitor(dataDir, device.id);
    expect(before).not.toBeNull();
    const openIds = Object.values(before!.state.alerts.subjects).flatMap((s) => [...s.tiers.map((t) => t.id), ...(s.prediction === null ? [] : [s.prediction.id])]);
    expect(openIds.length).toBeGreaterThan(0);
    const receivedBefore = service.received.length;

    const second = await startChild();
    await waitFor('the Liquidation push after the restart', () => pushes.received.map(messageOf).find((m) => m.title.startsWith('Liquidation ·')), 90_000);
    second.child.kill('SIGTERM');
    await new Promise((resolve) => second.child.once('exit', resolve));

    expect(service.refused).toEqual([]);
    expect(service.received.length).toBeGreaterThan(receivedBefore);
    const after = await savedMonitor(dataDir, device.id);
    const queued = await queuedPushes(dataDir, device.id);
    // Nothing sent twice: each alert id and reminder was received as often as the store marked it sent, once.
    const sentKeys = queued.filter((p) => p.status === 'sent').map((p) => p.dedupeKey);
    expect(new Set(sentKeys).size).toBe(sentKeys.length);
    expect(service.received.length).toBe(sentKeys.length);
    const receivedTags = service.received.map((p) => messageOf(p).tag).sort();
    expect(receivedTags).toEqual(sentKeys.map((k) => k.slice(0, k.lastIndexOf('#'))).sort());
    // One id per subject and tier over the whole crash (a restarted fresh monitor would open new ones).
    const idsByTier = new Map<string, Set<string>>();
    for (const tag of receivedTags) {
      const tier = tag.split('|').slice(0, 3).join('|');
      idsByTier.set(tier, (idsByTier.get(tier) ?? new Set()).add(tag));
    }
    for (const [tier, ids] of idsByTier) expect([tier, ids.size]).toEqual([tier, 1]);
    // The alerts open at the kill are the same ids after the restart (still open, or resolved under that id).
    const known = new Set([...Object.values(after!.state.alerts.subjects).flatMap((s) => [...s.tiers.map((t) => t.id), ...(s.prediction === null ? [] : [s.prediction.id])]), ...after!.state.alerts.history.map((a) => a.id)]);
    for (const id of openIds) expect(known.has(id)).toBe(true);
    // Nothing lost: the tiers above the first one still pushed after the restart.
    expect(service.received.slice(receivedBefore).map((p) => messageOf(p).title).some((t) => t.startsWith('Liquidation'))).toBe(true);
  }, 180_000);
});
