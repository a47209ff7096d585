import { deriveSeed, seededRandom } from '../../../market-paths/seeded-random.ts';

const VALIDITY_MS = 60 * 60_000;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * The demo account's user-data listenKey (Binance USDⓈ-M keeps one per account). Valid 60 minutes
 * of SIM time (so `--speed 60` expires an unattended key after one real minute, which exercises
 * keep-alive and `listenKeyExpired`). POST returns the active key and extends it, or makes a new one;
 * PUT extends the active key or fails with -1125; DELETE ends it.
 */
export class ListenKeys {
  private active: { key: string; expiresAt: number } | undefined;
  private issued = 0;

  constructor(private readonly seed: number) {}

  create(now: number): string {
    if (this.active !== undefined && now < this.active.expiresAt) {
      this.active.expiresAt = now + VALIDITY_MS;
      return this.active.key;
    }
    this.issued += 1;
    const rng = seededRandom(deriveSeed(this.seed, `listen-key-${this.issued}`));
    const key = Array.from({ length: 64 }, () => ALPHABET[Math.floor(rng.next() * ALPHABET.length)]).join('');
    this.active = { key, expiresAt: now + VALIDITY_MS };
    return key;
  }

  /** Extends the active key; undefined when there is none (the caller answers -1125). */
  keepAlive(now: number): string | undefined {
    if (this.active === undefined || now >= this.active.expiresAt) return undefined;
    this.active.expiresAt = now + VALIDITY_MS;
    return this.active.key;
  }

  close(): void {
    this.active = undefined;
  }

  isValid(key: string, now: number): boolean {
    return this.active !== undefined && this.active.key === key && now < this.active.expiresAt;
  }
}
