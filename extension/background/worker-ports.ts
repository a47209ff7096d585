/**
 * The small ports the worker needs beyond the feed's (socket, clock, HTTP, HMAC). extension/platform/
 * implements them on chrome.*; tests implement them with plain objects.
 */
export interface KeyValueStore {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
}

export interface NotificationRequest {
  readonly id: string;
  readonly title: string;
  readonly message: string;
  /** 2 for Critical and Liquidation (stays until dismissed), 0 otherwise; never negative (platform-notes.md §2). */
  readonly priority: 0 | 1 | 2;
  readonly requireInteraction: boolean;
  readonly buttons: readonly string[];
}

export interface Notifier {
  show(n: NotificationRequest): Promise<void>;
  clear(id: string): Promise<void>;
}

export interface BadgeLook {
  readonly text: string;
  /** CSS colour. */
  readonly color: string;
  readonly title: string;
}

export interface Badge {
  show(look: BadgeLook): Promise<void>;
}

export interface TabOpener {
  open(url: string): Promise<void>;
}
