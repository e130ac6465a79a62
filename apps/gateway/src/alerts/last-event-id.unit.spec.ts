import { ValidationError } from '@cvf/domain';
import { parseLastEventId } from './last-event-id';

const issueOf = (header: unknown, query: unknown) => {
  try {
    parseLastEventId(header, query);
  } catch (error) {
    if (error instanceof ValidationError) return error.issues[0]?.field;
    throw error;
  }
  return 'accepted';
};

describe('parseLastEventId', () => {
  it('given neither header nor parameter (or empty ones), then live only', () => {
    expect(parseLastEventId(undefined, undefined)).toBeNull();
    expect(parseLastEventId('', '')).toBeNull();
  });

  it('given an alert log id, then it, canonical; the header wins over the parameter', () => {
    expect(parseLastEventId('1767225600000-3', undefined)).toBe('1767225600000-3');
    expect(parseLastEventId(undefined, '0017-0')).toBe('17-0');
    expect(parseLastEventId('2-0', '1-0')).toBe('2-0');
    expect(parseLastEventId('18446744073709551615-18446744073709551615', undefined)).toBe(
      '18446744073709551615-18446744073709551615',
    );
  });

  it('given an alert id, as this stream sent before log ids, then from the start of the log', () => {
    expect(parseLastEventId('breach:acme:2020-01-01:1', undefined)).toBe('0-0');
    expect(parseLastEventId(undefined, 'delivery:acme:stripe:evt_1')).toBe('0-0');
  });

  it('given anything else, then a validation error naming where it came from', () => {
    expect(issueOf('yesterday', undefined)).toBe('Last-Event-ID');
    expect(issueOf('1-2-3', undefined)).toBe('Last-Event-ID');
    expect(issueOf('18446744073709551616-0', undefined)).toBe('Last-Event-ID');
    expect(issueOf('1-0, 2-0', undefined)).toBe('Last-Event-ID');
    expect(issueOf(undefined, '-1')).toBe('last_event_id');
    expect(issueOf(undefined, ['1-0', '2-0'])).toBe('last_event_id');
  });
});
