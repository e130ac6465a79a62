import {
  applyDecorators,
  type BeforeApplicationShutdown,
  Controller,
  Get,
  Headers,
  Inject,
  Logger,
  Param,
  Query,
  Res,
} from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AlertLog, type AlertLogId } from '@cvf/cache';
import type { FastifyReply } from 'fastify';
import { CompanyIdPipe } from '../http/company-id.pipe';
import { CachedResults } from '../freshness/cached-results';
import { LOG_POSITION_HEADER } from '../http/not-yet-consistent';
import { ApiRead } from '../http/openapi';
import { parseMinPosition } from '../http/query-params';
import { AlertFeed } from './alert-feed';
import { type AlertScope, EVERY_COMPANY } from './alert-listeners';
import { ALERT_SOURCE, type AlertSource } from './alert-source.port';
import { parseLastEventId } from './last-event-id';
import { SseStream } from './sse-stream';
import { Allow, ApiOperationIds } from '@cvf/platform';

const RECONNECT_AFTER_MS = 3_000;

const EVENT_STREAM = {
  type: 'string',
  description:
    'text/event-stream: `id:` the alert log id (`<ms>-<seq>`, ordered), `event:` alert type, ' +
    '`data:` alert JSON (with `log_id`, the same id); an `id:` alone marks where a reconnect ' +
    'resumes; `: heartbeat` every 15 s',
};

/** Last-Event-ID as a header (EventSource sends it) and as a query parameter. */
function ApiResume() {
  const description =
    'Resume after this event id (the `id:` of an event this stream sent): every alert retained ' +
    'after it is sent first, in order, then live ones. An id older than the log keeps (7 days) ' +
    'or unknown to it resends every alert kept; a malformed one answers 400. Without one, ' +
    'only alerts raised from now on are sent.';
  return applyDecorators(
    ApiHeader({ name: 'Last-Event-ID', required: false, description }),
    ApiQuery({
      name: 'last_event_id',
      required: false,
      type: String,
      description: `Last-Event-ID for clients that cannot set headers (the header wins). ${description}`,
    }),
  );
}

/**
 * Alerts as Server-Sent Events: `event: ThresholdBreached` (or `CohortCapped`,
 * `DeliveryRejected`), `id:` the alert's id in the retained alert log (Redis stream ids:
 * ordered, unlike `alert_id`), `data:` the alert JSON; a `: heartbeat` comment every 15 s.
 * A client reconnecting with `Last-Event-ID` is sent what it missed first (alert-feed.ts).
 * The first bytes are sent once the alert subscription is live, so an alert raised after a
 * client has read them reaches it. The stream ends when the client goes, or at shutdown.
 */
@ApiTags('cashflows')
@ApiOperationIds({ stream: 'streamBreaches', everyCompany: 'streamAllBreaches' })
@Controller()
export class BreachStreamController implements BeforeApplicationShutdown {
  private readonly logger = new Logger(BreachStreamController.name);
  private readonly open = new Set<SseStream>();

  constructor(
    @Inject(ALERT_SOURCE) private readonly alerts: AlertSource,
    private readonly log: AlertLog,
    private readonly results: CachedResults,
  ) {}

  @Get('companies/:companyId/breaches/stream')
  @Allow('company', 'underwriting', 'operations')
  @ApiOperation({
    summary: 'Threshold-breach (and cap) alerts, as Server-Sent Events; resumable',
  })
  @ApiProduces('text/event-stream')
  @ApiResume()
  @ApiRead(EVENT_STREAM)
  async stream(
    @Param('companyId', CompanyIdPipe) companyId: string,
    @Query('min_position') minPosition: unknown,
    @Query('last_event_id') lastEventIdParam: unknown,
    @Headers('last-event-id') lastEventId: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const after = parseLastEventId(lastEventId, lastEventIdParam);
    // The company must exist (404 otherwise); the stream starts after this position.
    const { position } = await this.results.rollupJson(
      companyId,
      'actual',
      parseMinPosition(minPosition),
    );
    await this.serve(companyId, position, after, reply);
  }

  /** The fund's own dashboards: every company's alerts on one stream. */
  @Get('breaches/stream')
  @Allow('underwriting', 'operations')
  @ApiOperation({
    summary: 'Threshold-breach (and cap) alerts of every company, as Server-Sent Events; resumable',
  })
  @ApiProduces('text/event-stream')
  @ApiResume()
  @ApiRead(EVENT_STREAM, { company: false })
  async everyCompany(
    @Query('last_event_id') lastEventIdParam: unknown,
    @Headers('last-event-id') lastEventId: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const after = parseLastEventId(lastEventId, lastEventIdParam);
    await this.serve(EVERY_COMPANY, null, after, reply);
  }

  private async serve(
    scope: AlertScope,
    position: string | null,
    after: AlertLogId | null,
    reply: FastifyReply,
  ): Promise<void> {
    const feed = new AlertFeed(this.log, scope, (error) =>
      this.logger.warn(`breach stream ended: the alert log could not be read: ${String(error)}`),
    );
    // Live first, then the log: an alert published in between is in both, and sent once.
    const subscription = await this.alerts.subscribe(scope, feed.live);

    void reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...(position === null ? {} : { [LOG_POSITION_HEADER]: position }),
    });
    const opened = new SseStream(raw, () => {
      subscription.close();
      this.open.delete(opened);
    });
    this.open.add(opened);
    raw.on('close', () => opened.close());
    opened.retry(RECONNECT_AFTER_MS);
    opened.comment(`alerts of ${scope === EVERY_COMPANY ? 'every company' : scope}`);
    feed.open(opened, after);
  }

  /** Open streams would hold the HTTP server's close forever: end them first. */
  beforeApplicationShutdown(): void {
    for (const stream of [...this.open]) stream.close();
  }
}
