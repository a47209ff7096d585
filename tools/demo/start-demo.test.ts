import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../test-support/wait-for.ts';
import { startDemo, type RunningDemo } from './start-demo.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
let demo: RunningDemo | undefined;
afterEach(async () => {
  await demo?.stop();
  demo = undefined;
});

describe('the demo (simulator + four feeds + engine + page)', () => {
  it('shows all four demo accounts, then the crash walks them through the tiers into liquidation', async () => {
    demo = await startDemo({ port: 0, simPort: 0, scenario: 'crash', speed: 600, refreshMs: 50 });
    const d = demo;
    await waitFor('four complete accounts', () => d.snapshot().venues.every((v) => v.report !== null && v.report.positions.length === 3), 15_000);
    const page = await fetch(d.url);
    expect(page.status).toBe(200);
    const first = (await (await fetch(`${d.url}snapshot`)).json()) as { venues: { venue: string }[] };
    expect(first.venues.map((v) => v.venue)).toEqual(['binance', 'bybit', 'okx', 'hyperliquid']);
    const journal = await waitFor(
      'a liquidation on every venue',
      () => {
        const entries = d.snapshot().journal;
        const closedOn = new Set(entries.filter((e) => e.text.includes('closed by the venue')).map((e) => e.venue));
        return closedOn.size === 4 ? entries : undefined;
      },
      40_000,
    );
    expect(journal.some((e) => e.text.startsWith('safe → watch'))).toBe(true);
    for (const v of d.snapshot().venues) {
      expect(JSON.stringify(v)).not.toMatch(/NaN|Infinity/);
      // The page gets the monitor's report: plain data, with the alerts it raised and what became of them.
      const report = v.report!;
      expect(structuredClone(report)).toStrictEqual(report);
      expect(report.alerts.some((a) => a.kind === 'tier' && a.figures.topUpUsdt > 0)).toBe(true);
      expect(report.alerts.some((a) => a.resolved?.reason === 'closed')).toBe(true);
    }
    await d.stop();
    await expect(fetch(d.url)).rejects.toThrow();
  }, 60_000);

  it('`npm start` prints the URL, serves the page, and exits 0 on Ctrl-C (SIGINT)', async () => {
    // As package.json's `start` runs it: node with tsx as a loader, no wrapper process in between.
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/demo/main.ts', '--port', '0', '--sim-port', '0', '--quiet'], { cwd: root });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await waitFor('the printed URL', () => /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)?.[1], 30_000);
    expect((await fetch(url)).status).toBe(200);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    await expect(fetch(url)).rejects.toThrow();
  }, 60_000);
});
