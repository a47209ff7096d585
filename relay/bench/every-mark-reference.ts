import type { AccountState } from '../../shared/engine/positions/account-state.ts';
import type { VenueId } from '../../shared/engine/positions/account.ts';
import type { FeedEvent } from '../../shared/engine/positions/feed-notices.ts';
import { silentLog } from '../relay-log.ts';
import type { MarkFeed, WatcherOptions } from '../watch/relay-watcher.ts';
import { monitorShard } from '../watch/monitor-shard.ts';

/**
 * The load bench's reference: when could a push have been decided at the earliest?
 *
 * The relay folds a venue's marks into batches, holds the marks of monitors inside their bands, and
 * steps calm monitors only every few seconds, so "from which frame" a push was caused is not what its
 * batch says: counted from the oldest mark its step was handed (up to the calm cadence old, and proven
 * by the tier band unable to cause a tier alert), a relay that answered at once would still show
 * seconds. So the bench records every frame the relay's feeds delivered, with its arrival time, and
 * after the run steps the same devices' monitors (the same shard code, in this thread, with no CPU
 * contention) on every delivery, every monitor of the delivery's symbols, with no band and no cadence:
 * each decision it makes is dated by the arrival of the frame after which it was first possible. A
 * relay push is then measured from the reference's decision of the same alert.
 *
 * Nothing of this runs in the relay: it wraps the feed port the bench hands `startRelay`.
 */

/** The events one feed delivered in one synchronous run (a websocket read), and the feed's prices after them. */
export interface DeliveredGroup {
  readonly venue: VenueId;
  readonly atMs: number;
  readonly events: FeedEvent[];
  /** The feed's state after the group (immutable: the feed replaces it, never changes it). */
  state: AccountState | null;
}

type OpenFeed = WatcherOptions['openFeed'];

/** Wraps a feed port: the relay gets the same events, in the same order; each delivery is recorded. */
export function recordingFeed(inner: OpenFeed, clock: () => number = Date.now): { openFeed: OpenFeed; groups: DeliveredGroup[] } {
  const groups: DeliveredGroup[] = [];
  const openFeed: OpenFeed = (venue, watch, onEvent) => {
    let open: DeliveredGroup | null = null;
    // Assigned before any event can arrive (a feed delivers only after start()).
    let feed: MarkFeed | null = null;
    const wrapped = inner(venue, watch, (event) => {
      if (open === null) {
        const group: DeliveredGroup = { venue, atMs: clock(), events: [], state: null };
        open = group;
        groups.push(group);
        // The run's end: the group closes and keeps the prices the relay would read from then on.
        queueMicrotask(() => {
          group.state = feed?.state() ?? null;
          open = null;
        });
      }
      open.events.push(event);
      onEvent(event);
    });
    feed = wrapped;
    return wrapped;
  };
  return { openFeed, groups };
}

/** A push the reference decided: whose, which alert (its id without the episode's start), when possible. */
export interface ReferenceDecision {
  readonly deviceId: string;
  readonly key: string;
  readonly kind: string;
  readonly atMs: number;
}

/**
 * An alert's dedupe key without the moment its episode began: `subject|tier|critical|<sinceMs>#0` ->
 * `subject|tier|critical#0`. The episode's start is the venue time of the first mark that showed it,
 * which a relay folding marks may see one mark later than the reference: the same alert otherwise.
 */
export function alertKeyOf(dedupeKey: string): string {
  const hash = dedupeKey.lastIndexOf('#');
  const id = hash < 0 ? dedupeKey : dedupeKey.slice(0, hash);
  const reminder = hash < 0 ? '' : dedupeKey.slice(hash);
  const bar = id.lastIndexOf('|');
  return `${bar < 0 ? id : id.slice(0, bar)}${reminder}`;
}

/**
 * Steps the sampled devices on every recorded delivery, in order, and returns every push they decide.
 * `bodies`: the devices' stored snapshot bodies, as the relay loaded them at `loadedAtMs`.
 */
export function referenceDecisions(groups: readonly DeliveredGroup[], bodies: ReadonlyMap<string, string>, loadedAtMs: number, staleAfterMs: number): ReferenceDecision[] {
  const shard = monitorShard({ log: silentLog, staleAfterMs, saveEveryMs: Number.POSITIVE_INFINITY, calmEveryMs: 0 });
  shard.load(
    [...bodies].map(([deviceId, body]) => ({ deviceId, body, monitors: null })),
    loadedAtMs,
  );
  const decisions: ReferenceDecision[] = [];
  for (const group of groups) {
    const state = group.state;
    if (state === null) continue;
    const prices = { marks: [...state.marks], mids: [...state.mids], funding: [...state.funding] };
    const { saves } = shard.step(group.venue, group.events, prices, group.atMs, group.atMs);
    for (const save of saves) {
      save.pushes.forEach((p, i) => decisions.push({ deviceId: p.deviceId, key: alertKeyOf(p.dedupeKey), kind: save.alertKinds[i] ?? 'tier', atMs: group.atMs }));
    }
  }
  return decisions;
}

/** A push the relay queued, with the batch that decided it. */
export interface RelayDecision {
  readonly deviceId: string;
  readonly key: string;
  /** When the batch's oldest frame arrived, and when the batch went to its share (no later frame could count). */
  readonly batchFirstEventAtMs: number;
  readonly handedAtMs: number;
}

export interface ReferenceMatch {
  /** Per relay decision, in the order given: the reference's time for it, or null (the reference decided it only later, or never). */
  readonly referenceAtMs: readonly (number | null)[];
  /**
   * Per relay decision: the reference decided the same alert, but only after the relay's hand-off
   * (within the look-back): the relay was ahead. A forecast's odds rest on volatility estimates, which
   * a monitor fed every mark and one fed coalesced marks update a little differently: either may cross
   * the threshold a tick first. Paired, so that neither side counts it as missed.
   */
  readonly ahead: readonly boolean[];
  /**
   * Reference decisions no relay decision matched, though the relay's batch that held their frame
   * decided another alert of the same subject: two tiers crossed by marks milliseconds apart, which the
   * relay folded into one batch and one push of the higher tier (the policy's own choice, fed both marks
   * at once).
   */
  readonly folded: readonly ReferenceDecision[];
  /** Reference decisions no relay decision matched, and no relay batch holding their frame explains. */
  readonly missed: readonly ReferenceDecision[];
}

/**
 * The recorder reads the clock just before the relay's watcher reads it for the same event: the two may
 * straddle a millisecond, so a batch's first frame can read 1 ms after the delivery that opened it.
 */
const CLOCK_SLACK_MS = 5;

/** The alert's subject (`binance:main:cross`), from its key. */
const subjectOf = (key: string): string => {
  const bar = key.indexOf('|');
  return bar < 0 ? key : key.slice(0, bar);
};

/**
 * Pairs each relay decision with the earliest unpaired reference decision of the same device and
 * alert key made from the frames the relay could have seen: at or before its batch's hand-off, and no
 * more than `lookBackMs` before its batch's first frame (an older one belongs to an episode the relay
 * missed, and stays unpaired). Relay decisions are taken in hand-off order.
 */
export function matchToReference(relay: readonly RelayDecision[], reference: readonly ReferenceDecision[], lookBackMs: number): ReferenceMatch {
  const byKey = new Map<string, { d: ReferenceDecision; used: boolean }[]>();
  for (const d of [...reference].sort((a, b) => a.atMs - b.atMs)) {
    const k = `${d.deviceId} ${d.key}`;
    let list = byKey.get(k);
    if (list === undefined) byKey.set(k, (list = []));
    list.push({ d, used: false });
  }
  const order = relay.map((_, i) => i).sort((a, b) => relay[a]!.handedAtMs - relay[b]!.handedAtMs);
  const referenceAtMs: (number | null)[] = relay.map(() => null);
  const ahead: boolean[] = relay.map(() => false);
  for (const i of order) {
    const r = relay[i]!;
    const candidate = byKey.get(`${r.deviceId} ${r.key}`)?.find((c) => !c.used && c.d.atMs <= r.handedAtMs && c.d.atMs >= r.batchFirstEventAtMs - lookBackMs);
    if (candidate === undefined) continue;
    candidate.used = true;
    referenceAtMs[i] = candidate.d.atMs;
  }
  // Then those the reference made only later: after every relay decision has had its earlier pick.
  for (const i of order) {
    const r = relay[i]!;
    if (referenceAtMs[i] !== null) continue;
    const candidate = byKey.get(`${r.deviceId} ${r.key}`)?.find((c) => !c.used && c.d.atMs > r.handedAtMs && c.d.atMs <= r.handedAtMs + lookBackMs);
    if (candidate === undefined) continue;
    candidate.used = true;
    ahead[i] = true;
  }
  const unmatched = [...byKey.values()].flatMap((list) => list.filter((c) => !c.used).map((c) => c.d));
  const isFolded = (d: ReferenceDecision): boolean =>
    relay.some((r) => r.deviceId === d.deviceId && subjectOf(r.key) === subjectOf(d.key) && r.batchFirstEventAtMs - CLOCK_SLACK_MS <= d.atMs && d.atMs <= r.handedAtMs);
  return { referenceAtMs, ahead, folded: unmatched.filter(isFolded), missed: unmatched.filter((d) => !isFolded(d)) };
}
