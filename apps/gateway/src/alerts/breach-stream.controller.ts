import {
  type BeforeApplicationShutdown,
  Controller,
  Get,
  Inject,
  Param,
  Query,
  Res,
} from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { type Alert } from '@cvf/cache';
import type { FastifyReply } from 'fastify';
import { CompanyIdPipe } from '../http/company-id.pipe';
import { CachedResults } from '../freshness/cached-results';
import { LOG_POSITION_HEADER } from '../http/not-yet-consistent';
import { ApiRead } from '../http/openapi';
import { parseMinPosition } from '../http/query-params';
import { type AlertScope, EVERY_COMPANY } from './alert-listeners';
import { ALERT_SOURCE, type AlertSource } from './alert-source.port';
import { SseStream } from './sse-stream';
import { Allow } from '@cvf/platform';

const RECONNECT_AFTER_MS = 3_000;

/**
 * Live alerts of one company as Server-Sent Events: `event: ThresholdBreached` (or
 * `CohortCapped`), `id:` the deterministic alert_id (clients dedupe on it: delivery is
 * at-least-once), `data:` the alert JSON; a `: heartbeat` comment every 15 s. The first
 * bytes are sent once the alert subscription is live, so an alert raised after a client has
 * read them reaches it. The stream ends when the client goes, or at shutdown.
 */
@ApiTags('cashflows')
@Controller()
export class BreachStreamController implements BeforeApplicationShutdown {
  private readonly open = new Set<SseStream>();

  constructor(
    @Inject(ALERT_SOURCE) private readonly alerts: AlertSource,
    private readonly results: CachedResults,
  ) {}

  @Get('companies/:companyId/breaches/stream')
  @Allow('company', 'underwriting', 'operations')
  @ApiOperation({ summary: 'Live threshold-breach (and cap) alerts, as Server-Sent Events' })
  @ApiProduces('text/event-stream')
  @ApiRead({
    type: 'string',
    description: 'text/event-stream: `id:` alert_id, `event:` alert type, `data:` alert JSON',
  })
  async stream(
    @Param('companyId', CompanyIdPipe) companyId: string,
    @Query('min_position') minPosition: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    // The company must exist (404 otherwise); the stream starts after this position.
    const { position } = await this.results.rollupJson(
      companyId,
      'actual',
      parseMinPosition(minPosition),
    );
    await this.serve(companyId, position, reply);
  }

  /** The fund's own dashboards: every company's alerts on one stream. */
  @Get('breaches/stream')
  @Allow('underwriting', 'operations')
  @ApiOperation({
    summary: 'Live threshold-breach (and cap) alerts of every company, as Server-Sent Events',
  })
  @ApiProduces('text/event-stream')
  @ApiRead(
    {
      type: 'string',
      description: 'text/event-stream: `id:` alert_id, `event:` alert type, `data:` alert JSON',
    },
    { company: false },
  )
  async everyCompany(@Res() reply: FastifyReply): Promise<void> {
    await this.serve(EVERY_COMPANY, null, reply);
  }

  private async serve(
    scope: AlertScope,
    position: string | null,
    reply: FastifyReply,
  ): Promise<void> {
    let stream: SseStream | null = null;
    const early: Alert[] = [];
    const deliver = (alert: Alert) =>
      stream
        ? stream.event({ id: alert.alert_id, event: alert.type, data: alert })
        : early.push(alert);
    const subscription = await this.alerts.subscribe(scope, deliver);

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
    stream = opened;
    for (const alert of early) deliver(alert);
  }

  /** Open streams would hold the HTTP server's close forever: end them first. */
  beforeApplicationShutdown(): void {
    for (const stream of [...this.open]) stream.close();
  }
}
