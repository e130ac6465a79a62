import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '@cvf/domain';
import { EVENT_STORE, type EventStore, type LogPosition } from '@cvf/event-store';
import type { FastifyReply } from 'fastify';
import { CompanyIdPipe } from '../http/company-id.pipe';
import { POLL_MS, READ_YOUR_WRITES_WAIT_MS, sleep } from '../freshness/polling';
import {
  LOG_POSITION_HEADER,
  NO_POSITION,
  NotYetConsistentError,
} from '../http/not-yet-consistent';
import { ApiPage, ApiRead } from '../http/openapi';
import { auditEventSchema, listSchema } from '../http/openapi-schemas';
import {
  parseLimit,
  parseLogPosition,
  parseMinPosition,
  parseOrderParam,
} from '../http/query-params';
import { readAuditTrail } from './audit-trail.query';
import { Allow, Caller, type Principal, seesPredictions, ApiOperationIds } from '@cvf/platform';

/** Events a portfolio company does not see in its audit trail. */
const PREDICTION_EVENT_TYPES: ReadonlySet<string> = new Set(['PredictionAssumptionsSet']);

@ApiTags('audit')
@ApiOperationIds({ events: 'listCompanyEvents' })
@Controller('companies/:companyId/events')
export class EventsController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get()
  @Allow('company', 'underwriting', 'operations')
  @ApiOperation({
    summary:
      'Audit trail: every event of the company (company and payment streams) as recorded, ' +
      'in log order',
  })
  @ApiRead(listSchema(auditEventSchema), { source: 'log' })
  @ApiPage()
  @ApiQuery({
    name: 'order',
    required: false,
    enum: ['asc', 'desc'],
    description: 'asc: oldest first',
  })
  async events(
    @Caller() caller: Principal,
    @Param('companyId', CompanyIdPipe) companyId: string,
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const limit = parseLimit(query.limit);
    const order = parseOrderParam(query.order);
    // The cursor is the position of the last event of the previous page.
    const after = parseLogPosition('cursor', query.cursor);
    const min = parseMinPosition(query.min_position);
    if (min !== null) await this.awaitVisible(min);
    const page = await readAuditTrail(this.store, companyId, { after, order, limit });
    if (after === null && page.events.length === 0) {
      // Every company's stream starts with its registration: no event, no company.
      throw new NotFoundError('company', { company_id: companyId });
    }
    void reply.header(LOG_POSITION_HEADER, page.visibleUpTo ?? NO_POSITION);
    const last = page.events.at(-1);
    // The fund's prediction assumptions are left out of a company's own trail (the cursor
    // still follows the log, so a page may hold fewer than `limit`).
    const data = seesPredictions(caller)
      ? page.events
      : page.events.filter((event) => !PREDICTION_EVENT_TYPES.has(event.type));
    return { data, next_cursor: page.more && last ? last.position : null };
  }

  private async awaitVisible(min: LogPosition): Promise<void> {
    const started = Date.now();
    while (!(await this.store.isVisible(min))) {
      const waited = Date.now() - started;
      if (waited >= READ_YOUR_WRITES_WAIT_MS) {
        throw new NotYetConsistentError(min, null, waited);
      }
      await sleep(POLL_MS);
    }
  }
}
