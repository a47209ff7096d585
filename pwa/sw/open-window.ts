/** The parts of `self.clients` a notification tap needs (so it can be tested with plain objects). */
export interface WindowLike {
  readonly url: string;
  focus(): Promise<unknown>;
  navigate(url: string): Promise<unknown>;
}
export interface ClientsLike {
  matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<readonly WindowLike[]>;
  openWindow(url: string): Promise<unknown>;
}

/**
 * Focuses a window already showing `url`; else brings an open app window to `url`; else opens one.
 * (On iOS `openWindow` opens start_url whatever it is given when the app is closed, WebKit bug
 * 259212, which is why the app also shows the newest alert on launch.)
 */
export async function focusOrOpen(clients: ClientsLike, url: string): Promise<void> {
  const windows = await clients.matchAll({ type: 'window', includeUncontrolled: true });
  const exact = windows.find((w) => w.url === url);
  if (exact !== undefined) {
    await exact.focus();
    return;
  }
  const any = windows[0];
  if (any !== undefined) {
    try {
      await any.navigate(url);
      await any.focus();
      return;
    } catch {
      // navigate() refuses a window this worker does not control; open a new one instead.
    }
  }
  await clients.openWindow(url);
}
