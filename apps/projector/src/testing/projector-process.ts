import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * The projector as it runs in production: the built `dist/apps/projector/src/main.js` (jest's
 * global setup builds dist) in its own process. Jest cannot load NestJS 12's ES modules
 * in-process, and a real process lets tests send SIGTERM and time the exit.
 */
export interface ProjectorProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  get(path: string): Promise<{ status: number; body: unknown }>;
}

const MAIN = join(__dirname, '../../../../dist/apps/projector/src/main.js');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startProjectorProcess(
  env: Record<string, string>,
): Promise<ProjectorProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const get = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`);
    const body: unknown = await response.json();
    return { status: response.status, body };
  };
  return { child, exited, output: () => output, get };
}

/** Polls until `check` holds; fails naming `what` (and the process output) otherwise. */
export async function eventually(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 25_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Resolves once /health/ready answers 200. */
export async function untilReady(projector: ProjectorProcess): Promise<void> {
  await eventually('the projector is ready', async () => {
    if (projector.child.exitCode !== null) {
      throw new Error(`projector exited:\n${projector.output()}`);
    }
    try {
      return (await projector.get('/health/ready')).status === 200;
    } catch {
      return false; // not listening yet
    }
  });
}
