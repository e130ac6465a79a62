import { Injectable, type PipeTransform } from '@nestjs/common';
import { isValidEntityId, NotFoundError } from '@cvf/domain';

/**
 * A company id in the path. Registration only accepts entity ids, so anything else names no
 * company: 404 at once, before the text reaches Redis or PostgreSQL (which refuses some, a
 * NUL say, with an error that must never surface as a 500).
 */
@Injectable()
export class CompanyIdPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    if (!isValidEntityId(value)) {
      throw new NotFoundError('company', { company_id: String(value).slice(0, 100) });
    }
    return value;
  }
}
