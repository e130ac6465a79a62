import { formatProgress, ProgressBar } from './progress-bar';
import { parseRebuildArguments } from './rebuild-command';

describe('rebuild progress', () => {
  it('shows phase, bar, share, counts and rate', () => {
    expect(formatProgress({ phase: 'replay', events: 50_000, elapsedMs: 1_000 }, 200_000)).toBe(
      'replay   [██████░░░░░░░░░░░░░░░░░░]  25%  50,000/200,000 events  50,000 events/s',
    );
    expect(formatProgress({ phase: 'switch', events: 0, elapsedMs: 0 }, 0)).toContain('100%');
  });

  it('redraws in place on a terminal, at most every interval and on each new phase', () => {
    const written: string[] = [];
    let now = 0;
    const bar = new ProgressBar(
      { isTTY: true, write: (t: string) => written.push(t) },
      10,
      100,
      () => now,
    );
    bar.update({ phase: 'replay', events: 1, elapsedMs: 1 });
    now = 50;
    bar.update({ phase: 'replay', events: 2, elapsedMs: 2 });
    bar.update({ phase: 'cohorts', events: 10, elapsedMs: 3 });
    bar.finish();
    expect(written).toHaveLength(4);
    expect(written.slice(0, 3).every((line) => line.startsWith('\r'))).toBe(true);
    expect(written.at(-1)).toBe('\n');
  });

  it('prints whole lines, sparsely, when stderr is not a terminal', () => {
    const written: string[] = [];
    let now = 0;
    const bar = new ProgressBar({ write: (t: string) => written.push(t) }, 10, 100, () => now);
    bar.update({ phase: 'replay', events: 1, elapsedMs: 1 });
    now = 1_000;
    bar.update({ phase: 'replay', events: 2, elapsedMs: 2 });
    now = 2_500;
    bar.update({ phase: 'replay', events: 3, elapsedMs: 3 });
    bar.finish();
    expect(written.map((line) => line.slice(0, 6))).toEqual(['replay', 'replay', 'replay']);
    expect(written.every((line) => line.endsWith('\n'))).toBe(true);
  });
});

describe('parseRebuildArguments', () => {
  it('takes a page size and a schema, and names what it refuses', () => {
    expect(parseRebuildArguments([])).toEqual({ pageSize: 10_000, schema: 'read_model' });
    expect(parseRebuildArguments(['--page-size', '5000', '--schema', 'rm2'])).toEqual({
      pageSize: 5_000,
      schema: 'rm2',
    });
    expect(parseRebuildArguments([], 'rm3')).toMatchObject({
      schema: 'rm3',
    });
    expect(parseRebuildArguments(['--page-size', '7'])).toEqual({
      error: "--page-size: '7' is not accepted",
    });
    expect(parseRebuildArguments(['--schema'])).toEqual({ error: '--schema: missing value' });
  });
});
