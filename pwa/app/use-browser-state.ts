import { useEffect, useState } from 'react';
import type { UpdateChannel } from '../platform/sw-updates.ts';

export function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const on = (): void => setOnline(true);
    const off = (): void => setOnline(false);
    window.addEventListener('online', on);
    window.addEventListener('offline', off);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', off);
    };
  }, []);
  return online;
}

/** The function that applies a waiting update, or null while there is none. */
export function useUpdateReady(updates: UpdateChannel): (() => void) | null {
  const [apply, setApply] = useState<(() => void) | null>(null);
  useEffect(() => updates.onUpdateReady((fn) => setApply(() => fn)), [updates]);
  return apply;
}

/** The current time, refreshed each minute (for "saved 5 min ago"). */
export function useMinuteClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(id);
  }, []);
  return now;
}
