import { expect, it } from 'vitest';
import { DEMO_ACCESS } from '../../tools/demo/demo-access.ts';
import { SIMULATOR_DEMO_ACCESS, simulatorEndpoints } from './demo-accounts.ts';

it("the extension's copy of the simulator's demo credentials is the simulator's own", () => {
  expect(SIMULATOR_DEMO_ACCESS).toEqual(DEMO_ACCESS);
});

it("the simulator's venues live under its origin, REST and websocket alike", () => {
  expect(simulatorEndpoints('http://127.0.0.1:8780', 'okx')).toEqual({ rest: 'http://127.0.0.1:8780/okx', ws: 'ws://127.0.0.1:8780/okx' });
});
