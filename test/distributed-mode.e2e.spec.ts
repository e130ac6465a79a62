import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { uniqueCacheOptions } from '@cvf/cache/testing';
import { createKafka, dropPrefixed } from '@cvf/messaging';
import { uniqueName } from '@cvf/messaging/testing';
import {
  type AppName,
  contractClient,
  type AppProcess,
  startAppProcess,
  stopAppProcess,
  TEST_ADMIN_KEY,
  untilReady,
} from '@cvf/platform/testing';
import {
  cliDocument,
  httpWriter,
  readUntil,
  writeWorkedPayments,
  writeWorkedTerms,
} from '@cvf/gateway/testing';
import { euroChargeEvent, postStripeEvent } from '@cvf/ingest/testing';
import { runPythonReplay, trailingSlashOption } from './support/python-replay';
import { createTestDatabase, type TestDatabase, testServices } from './support/services';

// Distributed mode as deployed: each app of k8s/deployments.yaml started as its manifest
// starts it, in its own process, on real PostgreSQL, Redis and Kafka.
// 1. What the orchestrators ask of each service is really there: every HTTP probe path of the
//    manifests, and the health check docker-compose.yml gives every app, answers 200 (a probe
//    path a service does not serve keeps its pods from ever being ready).
// 2. Writes through ingest come out of the gateway with DOMAIN.md's numbers, exactly the CLI's
//    document, after the trip relay → Kafka → projector → outbox → BullMQ worker → Redis; and
//    the breach reaches the gateway's SSE stream through Kafka cvf.alerts.v1.

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..');

interface Probed {
  readonly app: AppName;
  readonly paths: readonly string[];
}

/** Deployment containers: the app their command runs and the paths their probes GET. */
function manifestProbes(): Probed[] {
  const text = readFileSync(join(ROOT, 'k8s/deployments.yaml'), 'utf8');
  const probed: Probed[] = [];
  for (const document of parseAllDocuments(text)) {
    const manifest = document.toJS() as {
      kind?: string;
      spec?: { template?: { spec?: { containers?: Container[] } } };
    };
    if (manifest.kind !== 'Deployment') continue;
    for (const container of manifest.spec?.template?.spec?.containers ?? []) {
      const main = (container.command ?? []).find((part) => part.endsWith('main.js'));
      const app = main?.match(/dist\/apps\/([a-z-]+)\/src\/main\.js$/)?.[1] as AppName | undefined;
      if (!app) throw new Error(`container ${container.name} does not run an app's main.js`);
      const paths = [container.livenessProbe, container.readinessProbe, container.startupProbe]
        .map((probe) => probe?.httpGet?.path)
        .filter((path): path is string => path !== undefined);
      probed.push({ app, paths: [...new Set(paths)] });
    }
  }
  return probed;
}
interface Container {
  readonly name: string;
  readonly command?: string[];
  readonly livenessProbe?: Probe;
  readonly readinessProbe?: Probe;
  readonly startupProbe?: Probe;
}
interface Probe {
  readonly httpGet?: { readonly path?: string };
}

/** The path of docker-compose's shared app health check (`fetch('http://…:3000<path>')`). */
function composeHealthPath(): string {
  const text = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
  const path = text.match(/fetch\('http:\/\/127\.0\.0\.1:3000(\/[^']*)'\)/)?.[1];
  if (!path) throw new Error('docker-compose.yml: no app health check found');
  return path;
}

let database: TestDatabase;
const started: AppProcess[] = [];
const prefix = `${uniqueName('test')}.`;

beforeAll(async () => {
  database = await createTestDatabase('distributed_mode');
});
afterAll(async () => {
  await Promise.all(started.map((app) => stopAppProcess(app)));
  await database.drop();
  await dropPrefixed(
    createKafka({ brokers: testServices.kafkaBrokers, clientId: 'cleanup' }),
    prefix,
  );
});

const running = (app: AppName): AppProcess => {
  const found = started.find((process) => process.app === app);
  if (!found) throw new Error(`${app} was not started`);
  return found;
};

it('every Deployment probe and the compose health check answer 200 from the built apps', async () => {
  const probes = manifestProbes();
  expect(probes.map((p) => p.app).sort()).toEqual(
    ['gateway', 'ingest', 'projector', 'relay', 'worker'].sort(),
  );
  const cache = uniqueCacheOptions('probes');
  const env = {
    CVF_MODE: 'distributed',
    DATABASE_URL: database.url,
    REDIS_URL: testServices.redisUrl,
    KAFKA_BROKERS: testServices.kafkaBrokers.join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    CACHE_PREFIX: cache.prefix,
    RECOMPUTE_QUEUE: cache.queueName,
    ALERTS_CHANNEL: cache.alertsChannel,
  };
  // One at a time: each app migrates its schemas on start.
  for (const { app } of probes) {
    const process = await startAppProcess(app, env);
    started.push(process);
    await untilReady(process, 60_000);
  }
  const compose = composeHealthPath();
  const answers: string[] = [];
  for (const [i, { app, paths }] of probes.entries()) {
    expect(paths.length).toBeGreaterThan(0);
    for (const path of new Set([...paths, compose])) {
      const { status } = await started[i]!.get(path);
      answers.push(`${app} ${path} ${status}`);
    }
  }
  expect(answers.filter((answer) => !answer.endsWith(' 200'))).toEqual([]);
});

it('given the worked example written through ingest, then the gateway serves the CLI’s document and streams the breach from Kafka', async () => {
  const ingest = httpWriter(running('ingest').base);
  // The typed client, every answer checked against the serving app's OpenAPI document.
  const api = {
    ingest: contractClient(running('ingest').base, TEST_ADMIN_KEY),
    gateway: contractClient(running('gateway').base, TEST_ADMIN_KEY),
  };
  const worked = { companyId: 'worked' };
  const terms = await writeWorkedTerms(ingest, 'worked');

  const aborter = new AbortController();
  const stream = await api.gateway.GET('/companies/{companyId}/breaches/stream', {
    params: { path: worked, query: { min_position: terms } },
    parseAs: 'stream',
    signal: aborter.signal,
  });
  expect(stream.response.status).toBe(200);
  const reader = stream.data!.getReader();
  try {
    await readUntil(reader, /: alerts of worked\n\n/, 30_000); // subscribed to the alerts topic
    const position = await writeWorkedPayments(ingest, 'worked');

    const reply = await api.gateway.GET('/companies/{companyId}/cashflows', {
      params: { path: worked, query: { min_position: position } },
      parseAs: 'text',
    });
    expect(reply.response.status).toBe(200);
    expect(reply.data).toBe(cliDocument());

    const text = await readUntil(reader, /event: ThresholdBreached\ndata: .*\n\n/, 30_000);
    // The event id is the alert's id in the alert log the worker appended it to (Redis).
    const breach = /id: (.*)\nevent: ThresholdBreached\ndata: (.*)\n/.exec(text);
    expect(breach?.[1]).toMatch(/^\d+-\d+$/);
    expect(JSON.parse(breach?.[2] ?? '{}')).toMatchObject({
      alert_id: 'breach:worked:2020-01-01:1',
      log_id: breach?.[1],
      change: 'raised',
    });

    // A webhook delivery ingest cannot record (a EUR charge for a USD company) is announced
    // on the same alerts topic and stream.
    const created = await api.ingest.POST('/companies/{companyId}/webhook-secrets', {
      params: { path: worked },
    });
    const secret = created.data?.secret ?? '';
    const delivered = await postStripeEvent(
      running('ingest').base,
      'worked',
      secret,
      euroChargeEvent('ch_eur', 'evt_eur'),
    );
    expect(await delivered.json()).toMatchObject({ outcome: 'rejected' });
    const rejected = await readUntil(reader, /event: DeliveryRejected\ndata: .*\n\n/, 30_000);
    // Retained in the alert log by ingest before it went to Kafka: sent with its log id.
    const delivery = /(?:^|\n\n)id: (.*)\nevent: DeliveryRejected\ndata: (.*)\n/.exec(rejected);
    expect(delivery?.[1]).toMatch(/^\d+-\d+$/);
    expect(JSON.parse(delivery?.[2] ?? '{}')).toMatchObject({
      alert_id: 'delivery:worked:stripe:evt_eur',
      log_id: delivery?.[1],
    });
  } finally {
    aborter.abort();
    await reader.cancel().catch(() => undefined);
  }
});

it("given the Python API's calls, writes to ingest and reads to the gateway as the Ingress routes them, then DOMAIN.md's numbers", async () => {
  const [ingest, gateway] = [running('ingest').base, running('gateway').base];
  const replay = await runPythonReplay(
    ...['--ingest', ingest, '--api', gateway, '--key', TEST_ADMIN_KEY, '--json'],
    ...(await trailingSlashOption(ingest)),
  );

  expect(replay.stderr).toBe('');
  const report = JSON.parse(replay.stdout) as {
    owed_2020_02: string;
    checks: { what: string; ok: boolean }[];
  };
  expect(report.checks.filter((check) => !check.ok)).toEqual([]);
  expect(report.owed_2020_02).toBe('420.00');
  expect(replay.status).toBe(0);
});
