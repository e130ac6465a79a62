import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '@cvf/platform/testing';

/**
 * A Kafka broker of one spec's own (`scripts/kafka.sh` on free ports and a data dir of its
 * own), for tests that kill and restart the broker: the shared broker of the other specs stays
 * up. Costs a JVM start (~5 s here) and 512 MiB of heap.
 */
export interface OwnBroker {
  readonly brokers: string[];
  /** SIGKILL: a crash, no clean shutdown. Resolves when the process is gone. */
  kill(): Promise<void>;
  /** Starts it again on its data (topics, messages, committed offsets kept). */
  resume(): Promise<void>;
  /** Stops it and deletes its data. */
  remove(): Promise<void>;
}

const SCRIPT = join(__dirname, '../../../../scripts/kafka.sh');

export async function startOwnBroker(): Promise<OwnBroker> {
  const port = await freePort();
  const controllerPort = await freePort();
  const dataDir = `/tmp/cvf-kafka-test-${randomBytes(4).toString('hex')}`;
  const env = {
    ...process.env,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(controllerPort),
    KAFKA_DATA_DIR: dataDir,
  };
  const run = (command: string) =>
    new Promise<void>((resolve, reject) => {
      const child = spawn('bash', [SCRIPT, command], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let errors = '';
      child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
      child.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`kafka.sh ${command} failed:\n${errors}`)),
      );
    });
  await run('start');
  return {
    brokers: [`127.0.0.1:${port}`],
    kill: async () => {
      const pid = Number((await readFile(join(dataDir, 'kafka.pid'), 'utf8')).trim());
      process.kill(pid, 'SIGKILL');
      while (isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 100));
    },
    resume: () => run('resume'),
    remove: async () => {
      await run('stop');
      await rm(dataDir, { recursive: true, force: true });
      await rm(`${dataDir}.lock`, { force: true });
    },
  };
}

/** Alive and not a zombie (the broker is nobody's child here; whoever adopted it reaps it). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
