import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A PostgreSQL cluster for one test file: initdb into a temporary folder, the server listening on a
 * Unix socket only (no TCP port at all), trust auth for its one user, removed at stop. Debian's
 * `postgresql` package provides the binaries (.ci/run installs it). PostgreSQL refuses to run as
 * root, so as root it runs as the `postgres` user the package creates.
 */
export interface ThrowawayPostgres {
  readonly url: string;
  stop(): Promise<void>;
}

/** The folder with initdb and postgres, or null when Debian's postgresql is not installed. */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? null : join(root, versions[0], 'bin');
}

/** The one line a user must run when the contract tests cannot find PostgreSQL. */
export const POSTGRES_INSTALL_HINT = 'apt-get install -y postgresql   # the relay store contract tests run a throwaway cluster from it';

export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const bin = postgresBinDir();
  if (bin === null) throw new Error(`PostgreSQL not found; run: ${POSTGRES_INSTALL_HINT}`);
  const dir = mkdtempSync(join(tmpdir(), 'pg-'));
  chmodSync(dir, 0o777);
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => (asRoot ? { cmd: 'runuser', args: ['-u', 'postgres', '--', cmd, ...args] } : { cmd, args });
  const data = join(dir, 'data');
  const init = run(join(bin, 'initdb'), ['-D', data, '-U', 'relay', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  const result = spawnSync(init.cmd, init.args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`initdb failed: ${result.stderr}`);
  const server = run(join(bin, 'postgres'), ['-D', data, '-k', dir, '-c', "listen_addresses=", '-c', 'fsync=off', '-c', 'full_page_writes=off']);
  const child: ChildProcess = spawn(server.cmd, server.args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (c: Buffer) => (log += c.toString()));
  const deadline = Date.now() + 30_000;
  while (!log.includes('ready to accept connections')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`postgres did not start: ${log.slice(-500)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const createdb = run(join(bin, 'createdb'), ['-h', dir, '-U', 'relay', 'relay']);
  const made = spawnSync(createdb.cmd, createdb.args, { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`createdb failed: ${made.stderr}`);
  return {
    url: `postgresql://relay@/relay?host=${encodeURIComponent(dir)}`,
    async stop() {
      // pg_ctl, not a signal to the child: as root the child is runuser, which need not pass it on.
      const stop = run(join(bin, 'pg_ctl'), ['-D', data, 'stop', '-m', 'immediate']);
      spawnSync(stop.cmd, stop.args);
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
