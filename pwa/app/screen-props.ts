import type { IDBPDatabase } from 'idb';
import type { SentryDb } from '../platform/db-schema.ts';
import type { MonitorData, MonitorFeed } from './monitor-feed.ts';

/** What every screen may read: the monitor's data, the feed (snooze, acknowledge), the device store and a clock. */
export interface ScreenProps {
  readonly data: MonitorData;
  readonly feed: MonitorFeed;
  readonly db: IDBPDatabase<SentryDb> | null;
  /** Device clock, ms, ticking each second (ages). */
  readonly now: number;
}
