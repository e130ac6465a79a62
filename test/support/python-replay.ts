import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** What a run of scripts/python-api-replay.mjs printed, and how it exited. */
export interface PythonReplay {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs scripts/python-api-replay.mjs (README "Python API compatibility") with `args`. */
export function runPythonReplay(...args: string[]): Promise<PythonReplay> {
  const script = join(__dirname, '../../scripts/python-api-replay.mjs');
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * The replay's option for `base`: the Python API's trailing slashes need the platform's
 * ignoreTrailingSlash (a change of its own); a server without it yet gets the same calls
 * without them.
 */
export async function trailingSlashOption(base: string): Promise<string[]> {
  const probe = await fetch(`${base}/health/`);
  await probe.text();
  return probe.status === 200 ? [] : ['--no-trailing-slash'];
}
