/**
 * The one command-line reader of the repository's commands (calc, replay, sim, backtest): a table of
 * flags in, their values out, and anything the table does not name (`--bogus-flag`, a stray argument,
 * a flag given twice, a value that does not pass its check) refused with one line and exit status 2.
 * Adding a flag is one line in a command's table, e.g.
 *
 *   restartEvery: numberFlag('SEC', 'snapshot and restore the monitor every SEC s', (n) => n > 0, 'seconds > 0'),
 *
 * read as `--restart-every 60` or `--restart-every=60`, and found as `flags.restartEvery` (a number, or
 * undefined when not given).
 */

/** A user-facing failure: one line on stderr, exit status 2, never a stack trace. */
export class UsageError extends Error {}

/** `--help` or `-h`: the usage text goes to stdout and the command exits 0. */
export class HelpRequested extends Error {}

export interface Flag<T> {
  /** The value's placeholder in the usage line (`N`, `SEC`); null for a switch, which takes no value. */
  readonly value: string | null;
  readonly help: string;
  /** Reads the value, or throws UsageError naming the flag. */
  readonly read: (raw: string, flag: string) => T;
}

export type FlagTable = Readonly<Record<string, Flag<unknown>>>;

export type FlagValues<F extends FlagTable> = { -readonly [K in keyof F]?: F[K] extends Flag<infer T> ? T : never };

export interface CommandLine {
  /** How the command is run, e.g. `npm run -s calc --`. */
  readonly command: string;
  /** The arguments that are not flags, in order, e.g. `['FILE|-']`; each is required. */
  readonly positionals: readonly string[];
}

/** `restartEvery` is typed `--restart-every`. */
export const flagName = (key: string): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

export function usageLine(line: CommandLine, flags: FlagTable): string {
  const options = Object.entries(flags).map(([key, f]) => `[${flagName(key)}${f.value === null ? '' : ` ${f.value}`}]`);
  return `usage: ${[line.command, ...options, ...line.positionals].join(' ')}`;
}

/** The usage line, then one line per flag with its help. */
export function usageText(line: CommandLine, flags: FlagTable): string {
  const width = Math.max(0, ...Object.entries(flags).map(([key, f]) => flagName(key).length + (f.value === null ? 0 : f.value.length + 1)));
  const rows = Object.entries(flags).map(([key, f]) => `  ${`${flagName(key)}${f.value === null ? '' : ` ${f.value}`}`.padEnd(width)}  ${f.help}`);
  return [usageLine(line, flags), ...rows].join('\n');
}

export const switchFlag = (help: string): Flag<true> => ({ value: null, help, read: () => true });

export const numberFlag = (value: string, help: string, ok: (n: number) => boolean, rule: string): Flag<number> => ({
  value,
  help,
  read: (raw, flag) => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || !ok(n)) throw new UsageError(`${flag}: expected ${rule}, got ${JSON.stringify(raw)}`);
    return n;
  },
});

export const choiceFlag = <T extends string>(value: string, help: string, allowed: readonly T[]): Flag<T> => ({
  value,
  help,
  read: (raw, flag) => {
    if (!(allowed as readonly string[]).includes(raw)) throw new UsageError(`${flag}: expected one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`);
    return raw as T;
  },
});

export const textFlag = (value: string, help: string, ok: (s: string) => boolean, rule: string): Flag<string> => ({
  value,
  help,
  read: (raw, flag) => {
    if (!ok(raw)) throw new UsageError(`${flag}: expected ${rule}, got ${JSON.stringify(raw)}`);
    return raw;
  },
});

/**
 * Reads `argv` (without node and the script) against the table. `-` is an argument (standard input),
 * `--` ends the flags. Throws UsageError (one line, with the usage) or HelpRequested.
 */
export function parseCommandLine<F extends FlagTable>(argv: readonly string[], line: CommandLine, flags: F): { flags: FlagValues<F>; args: string[] } {
  const byName = new Map(Object.entries(flags).map(([key, f]) => [flagName(key), { key, f }]));
  const values: Record<string, unknown> = {};
  const args: string[] = [];
  const usage = usageLine(line, flags);
  let flagsEnded = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (flagsEnded || arg === '-' || !arg.startsWith('-')) {
      if (args.length >= line.positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}; ${usage}`);
      args.push(arg);
      continue;
    }
    if (arg === '--') {
      flagsEnded = true;
      continue;
    }
    if (arg === '--help' || arg === '-h') throw new HelpRequested(usageText(line, flags));
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    const known = byName.get(name);
    if (known === undefined) throw new UsageError(`unknown option ${name}; ${usage}`);
    if (known.key in values) throw new UsageError(`${name} given twice`);
    if (known.f.value === null) {
      if (eq >= 0) throw new UsageError(`${name} takes no value`);
      values[known.key] = known.f.read('', name);
      continue;
    }
    const raw = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (raw === undefined) throw new UsageError(`${name} needs a value (${known.f.value})`);
    values[known.key] = known.f.read(raw, name);
  }
  if (args.length < line.positionals.length) {
    throw new UsageError(`missing input: give ${line.positionals.slice(args.length).join(' ')}; ${usage}`);
  }
  return { flags: values as FlagValues<F>, args };
}
