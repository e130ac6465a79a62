import { distributedBench } from './distributed.bench';
import { engineBench } from './engine.bench';
import { gatewayBench } from './gateway.bench';
import { ingestBench } from './ingest.bench';
import { rebuildBench } from './rebuild.bench';
import { recomputeBench } from './recompute.bench';
import { relayBench } from './relay.bench';
import { webhooksBench } from './webhooks.bench';

/**
 * `npm run bench`: every benchmark prints its figures and its ratio to a baseline measured in
 * the same run on the same machine. Targets are reported as PASS/MISS; the exit status is 0
 * either way (speed is tracked here, not asserted in tests).
 */
async function main(): Promise<void> {
  const only = process.argv[2];
  console.log(`cvf benchmarks on Node ${process.version}, ${new Date().toISOString()}`);
  const suites: Record<string, () => boolean | Promise<boolean>> = {
    engine: engineBench,
    ingest: ingestBench,
    gateway: gatewayBench,
    recompute: recomputeBench,
    rebuild: rebuildBench,
    distributed: distributedBench,
    relay: relayBench,
    webhooks: webhooksBench,
  };
  for (const [name, suite] of Object.entries(suites)) {
    if (only && only !== name) continue;
    await suite();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
