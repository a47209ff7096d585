import { describe, expect, it } from 'vitest';
import { UsageError } from '../cli/cli-flags.ts';
import { parseSimArgs } from './cli-options.ts';

describe('parseSimArgs', () => {
  it('reads the documented flags, with either spacing', () => {
    expect(parseSimArgs(['--scenario', 'crash', '--speed', '60', '--port', '8780', '--seed=1'])).toEqual({
      scenario: 'crash', speed: 60, port: 8780, seed: 1, quiet: false,
    });
    expect(parseSimArgs([])).toEqual({ scenario: 'calm', quiet: false });
    expect(parseSimArgs(['--quiet']).quiet).toBe(true);
  });

  it('refuses bad values and unknown flags with a usage error', () => {
    for (const argv of [['--scenario', 'boom'], ['--speed', '0'], ['--speed', 'fast'], ['--port', '70000'], ['--seed', '1.5'], ['--colour', 'red'], ['stray'], ['--speed'], ['--bogus-flag'], ['--quiet=yes'], ['--seed', '1', '--seed', '2']]) {
      expect(() => parseSimArgs(argv)).toThrow(UsageError);
    }
  });
});
