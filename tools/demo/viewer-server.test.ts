import { afterEach, describe, expect, it } from 'vitest';
import { startViewer, type Viewer } from './viewer-server.ts';

let viewer: Viewer | undefined;
afterEach(async () => {
  await viewer?.close();
  viewer = undefined;
});

/** Reads server-sent events until `count` data lines arrived. */
async function readEvents(url: string, count: number, onOpen: () => void): Promise<unknown[]> {
  const res = await fetch(url);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: unknown[] = [];
  let buffer = '';
  onOpen();
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value);
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      if (block.startsWith('data: ')) events.push(JSON.parse(block.slice(6)));
    }
  }
  await reader.cancel();
  return events;
}

describe('demo viewer server (loopback)', () => {
  it('serves the page, the latest snapshot, and pushes snapshots as server-sent events', async () => {
    viewer = await startViewer({ port: 0 });
    const page = await fetch(viewer.url);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toMatch(/EventSource\('\/events'\)/);
    viewer.publish({ n: 1 });
    expect(await (await fetch(`${viewer.url}snapshot`)).json()).toEqual({ n: 1 });
    const v = viewer;
    const events = await readEvents(`${viewer.url}events`, 2, () => {
      const push = () => (v.clients() > 0 ? v.publish({ n: 2 }) : setTimeout(push, 5));
      push();
    });
    expect(events).toEqual([{ n: 1 }, { n: 2 }]);
    expect((await fetch(`${viewer.url}nope`)).status).toBe(404);
  });
});
