import { type ChildProcess, spawn } from 'node:child_process';
import { TEST_CREDENTIAL_ENV } from './credentials';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { eventually } from '@cvf/event-store/testing';

/**
 * A service as it runs in production: the built `dist/apps/<app>/src/main.js` in its own
 * process (jest's global setup and `npm run bench` build dist). Tests and benchmarks use it to
 * SIGKILL or SIGTERM a service mid-work and to run the distributed mode as separate processes.
 * (In-process, jest could not load NestJS 12's ES modules anyway.)
 */
export type AppName = 'ingest' | 'projector' | 'worker' | 'gateway' | 'relay' | 'all-in-one';

export interface AppProcess {
  readonly app: AppName;
  readonly port: number;
  readonly base: string;
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  get(path: string): Promise<{ status: number; body: unknown }>;
}

// From dist/libs/platform/src/testing or libs/platform/src/testing alike: the repo's dist/.
const DIST = join(__dirname, '../../../..', __dirname.includes('/dist/') ? '' : 'dist');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startAppProcess(
  app: AppName,
  env: Record<string, string>,
): Promise<AppProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(DIST, 'apps', app, 'src', 'main.js')], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'silent',
      ...TEST_CREDENTIAL_ENV,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const base = `http://127.0.0.1:${port}`;
  const get = async (path: string) => {
    const response = await fetch(`${base}${path}`);
    const body: unknown = await response.json();
    return { status: response.status, body };
  };
  return { app, port, base, child, exited, output: () => output, get };
}

/** Polls until `check` holds; fails naming `what` otherwise (the event store's fixture). */
export { eventually };

/** Resolves once /health/ready answers 200; fails with the process output otherwise. */
export async function untilReady(app: AppProcess, timeoutMs = 25_000): Promise<void> {
  await eventually(
    `${app.app} is ready`,
    async () => {
      if (app.child.exitCode !== null || app.child.signalCode !== null) {
        throw new Error(`${app.app} exited:\n${app.output()}`);
      }
      try {
        return (await app.get('/health/ready')).status === 200;
      } catch {
        return false; // not listening yet
      }
    },
    timeoutMs,
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}\n${app.app} output:\n${app.output()}`);
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
export async function stopAppProcess(app: AppProcess, graceMs = 10_000): Promise<void> {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return;
  app.child.kill('SIGTERM');
  const timer = setTimeout(() => app.child.kill('SIGKILL'), graceMs);
  await app.exited;
  clearTimeout(timer);
}
