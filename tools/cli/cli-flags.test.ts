import { describe, expect, it } from 'vitest';
import { flagName, HelpRequested, numberFlag, parseCommandLine, switchFlag, UsageError } from './cli-flags.ts';

const line = { command: 'npm run -s replay --', positionals: ['FILE|-'] };
const flags = {
  restartEvery: numberFlag('SEC', 'snapshot and restore every SEC s', (n) => n > 0, 'seconds > 0'),
  json: switchFlag('JSON out'),
};
const parse = (argv: string[]) => parseCommandLine(argv, line, flags);
const refusal = (argv: string[]): string => {
  try {
    parse(argv);
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  return 'accepted';
};

describe('parseCommandLine', () => {
  it('reads a flag with either spacing, a switch, and the argument; a key is typed in kebab case', () => {
    expect(flagName('restartEvery')).toBe('--restart-every');
    expect(parse(['--restart-every', '60', 'doc.json'])).toEqual({ flags: { restartEvery: 60 }, args: ['doc.json'] });
    expect(parse(['-', '--restart-every=0.5', '--json'])).toEqual({ flags: { restartEvery: 0.5, json: true }, args: ['-'] });
    expect(parse(['--', '--json'])).toEqual({ flags: {}, args: ['--json'] });
  });

  const bad: Array<[string, string[], RegExp]> = [
    ['an unknown flag', ['--bogus-flag', 'doc.json'], /^unknown option --bogus-flag; usage: npm run -s replay -- \[--restart-every SEC\] \[--json\] FILE\|-$/],
    ['an unknown flag with a value', ['doc.json', '--bogus=1'], /^unknown option --bogus;/],
    ['a stray argument', ['doc.json', 'extra'], /^unexpected argument "extra";/],
    ['no argument', ['--json'], /^missing input: give FILE\|-;/],
    ['a flag twice', ['--json', '--json', 'doc.json'], /^--json given twice$/],
    ['a value for a switch', ['--json=yes', 'doc.json'], /^--json takes no value$/],
    ['a flag without its value', ['doc.json', '--restart-every'], /^--restart-every needs a value \(SEC\)$/],
    ['a value that fails its check', ['--restart-every', '-5', 'doc.json'], /^--restart-every: expected seconds > 0, got "-5"$/],
    ['a value that is not a number', ['--restart-every', 'soon', 'doc.json'], /^--restart-every: expected seconds > 0, got "soon"$/],
    ['a single dash flag', ['-x', 'doc.json'], /^unknown option -x;/],
  ];
  for (const [name, argv, message] of bad) {
    it(`refuses ${name} in one line`, () => {
      const m = refusal(argv);
      expect(m).toMatch(message);
      expect(m.split('\n')).toHaveLength(1);
    });
  }

  it('--help asks for the usage, one line per flag', () => {
    expect(() => parse(['--help'])).toThrow(HelpRequested);
    try {
      parse(['-h']);
    } catch (e) {
      expect((e as Error).message.split('\n')).toEqual([
        'usage: npm run -s replay -- [--restart-every SEC] [--json] FILE|-',
        '  --restart-every SEC  snapshot and restore every SEC s',
        '  --json               JSON out',
      ]);
    }
  });
});
