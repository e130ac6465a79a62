import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { type LogPosition, type RecordedEvent } from '@cvf/event-store';
import { PG_POOL } from '@cvf/platform';
import {
  migrateReadModel,
  projectionPosition,
  ReadModelProjection,
  RECOMPUTE_SCHEDULER,
  RecomputeOutboxDispatcher,
  type RecomputeScheduler,
} from '@cvf/read-model';
import { exponentialBackoff, sleep } from '@cvf/resilience';
import { Pool } from 'pg';
import { type ProjectionEventSource, type ProjectionSubscription } from './event-source.port';
import {
  PROJECTION_EVENT_SOURCE,
  PROJECTOR_SETTINGS,
  type ProjectorSettings,
} from './projector.options';

/** The pause before resubscribing after the n-th failure in a row: 500 ms doubling to 30 s. */
const resubscribeBackoff = exponentialBackoff({ firstMs: 500, maxMs: 30_000 });
// Leftovers (a failed dispatch, the jobs a rebuild queued) go out within this even when no
// batch arrives; one indexed SELECT when there is nothing to do.
const OUTBOX_SWEEP_MS = 5_000;

/**
 * Keeps the read models following the log: on start it migrates, hands over outbox
 * leftovers and subscribes from the stored checkpoint. Each batch is applied in one
 * transaction (ReadModelProjection), then the outbox goes to the scheduler. When the
 * subscription fails (database gone, a batch that cannot be applied) it resubscribes from
 * the stored checkpoint with a growing delay; nothing in memory has to survive that.
 */
@Injectable()
export class ProjectorService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ProjectorService.name);
  private readonly schema: string;
  private readonly projection: ReadModelProjection;
  private readonly dispatcher: RecomputeOutboxDispatcher | null;
  private subscription: ProjectionSubscription | null = null;
  private supervisor: Promise<void> | null = null;
  private stopping = false;
  /** Aborted on shutdown: cuts the pause before resubscribing short. */
  private readonly shutdown = new AbortController();
  private dispatching: Promise<void> | null = null;
  private dispatchAgain = false;
  private outboxSweep: NodeJS.Timeout | null = null;
  private lastApplied: LogPosition | null = null;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(PROJECTION_EVENT_SOURCE) private readonly source: ProjectionEventSource,
    @Inject(PROJECTOR_SETTINGS) settings: ProjectorSettings,
    // Absent without CacheModule: jobs then wait in the outbox for a process that has one.
    @Optional() @Inject(RECOMPUTE_SCHEDULER) scheduler: RecomputeScheduler | null = null,
  ) {
    this.schema = settings.schema;
    // An idle pooled connection that dies (server restart, failover) emits 'error' on the
    // pool; unheard, that kills the process. The next query gets a fresh connection.
    pool.on('error', (error) =>
      this.logger.warn(`idle PostgreSQL connection lost: ${error.message}`),
    );
    this.projection = new ReadModelProjection(pool, this.schema);
    this.dispatcher = scheduler
      ? new RecomputeOutboxDispatcher(pool, scheduler, this.schema)
      : null;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { applied } = await migrateReadModel(this.pool, this.schema);
    if (applied.length > 0) this.logger.log(`read-model migrations applied: ${applied.join(', ')}`);
    this.dispatchOutbox();
    if (this.dispatcher) {
      this.outboxSweep = setInterval(() => this.dispatchOutbox(), OUTBOX_SWEEP_MS);
      this.outboxSweep.unref();
    }
    this.supervisor = this.supervise();
  }

  /**
   * SIGTERM: no new batch starts, the one in flight commits, the outbox dispatch in flight
   * ends; the pool closes afterwards (DatabaseModule, onApplicationShutdown).
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.shutdown.abort();
    await this.subscription?.stop();
    await this.supervisor;
    if (this.outboxSweep) clearInterval(this.outboxSweep);
    await this.dispatching;
  }

  /** True while a subscription is delivering (or waiting for) events. */
  isSubscribed(): boolean {
    return this.subscription !== null && !this.stopping;
  }

  /** The position of the last batch this process applied; null before the first. */
  lastAppliedPosition(): LogPosition | null {
    return this.lastApplied;
  }

  private async supervise(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        const from = await projectionPosition(this.pool, this.schema);
        // Shutdown may have begun while the checkpoint was read: nothing to stop then.
        if (this.stopping) return;
        this.logger.log(
          `subscribing from ${from ? `${from.transactionId}:${from.globalPosition}` : 'the start'}`,
        );
        const subscription = this.source.subscribe(from, (batch) => this.handle(batch));
        this.subscription = subscription;
        await subscription.done;
        failures = 0;
      } catch (error) {
        failures += 1;
        this.logger.error(
          `subscription failed, resubscribing in ${resubscribeBackoff(failures)} ms: ${describe(error)}`,
        );
      } finally {
        this.subscription = null;
      }
      if (this.stopping) return;
      // After a subscription that ended without failing too: the first pause.
      await sleep(resubscribeBackoff(failures), this.shutdown.signal);
    }
  }

  private async handle(batch: readonly RecordedEvent[]): Promise<void> {
    const result = await this.projection.applyBatch(batch);
    const last = batch.at(-1);
    if (last) {
      this.lastApplied = { transactionId: last.transactionId, globalPosition: last.globalPosition };
    }
    // After commit, and not awaited: a slow scheduler must not hold the log back. The rows
    // are durable; whatever fails here is retried by the sweep.
    if (result.dirty.length > 0) this.dispatchOutbox();
  }

  /** One dispatch at a time; a request during a dispatch makes it go round once more. */
  private dispatchOutbox(): void {
    const dispatcher = this.dispatcher;
    if (!dispatcher) return;
    if (this.dispatching) {
      this.dispatchAgain = true;
      return;
    }
    this.dispatching = (async () => {
      do {
        this.dispatchAgain = false;
        try {
          await dispatcher.dispatchPending();
        } catch (error) {
          // The rows stay; the sweep tries again.
          this.logger.warn(`recompute outbox not dispatched: ${describe(error)}`);
          return;
        }
      } while (this.dispatchAgain && !this.stopping);
    })().finally(() => {
      this.dispatching = null;
    });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
