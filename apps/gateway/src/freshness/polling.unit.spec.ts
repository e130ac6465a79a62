import { Coalescer, SingleFlight } from './polling';

describe('Coalescer', () => {
  it('shares one lookup among concurrent callers and reuses it while fresh', async () => {
    let calls = 0;
    const positions = new Coalescer<string>(50);
    const get = (key: string) => positions.get(key, () => Promise.resolve(`${key}:${++calls}`));
    expect(await Promise.all([get('a'), get('a'), get('b')])).toEqual(['a:1', 'a:1', 'b:2']);
    expect(await get('a')).toBe('a:1');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await get('a')).toBe('a:3');
  });

  it('does not keep a failure: the next caller asks again', async () => {
    let calls = 0;
    const flaky = new Coalescer<string>(1_000);
    const lookup = () => {
      calls += 1;
      return calls === 1 ? Promise.reject(new Error('down')) : Promise.resolve('up');
    };
    await expect(flaky.get('k', lookup)).rejects.toThrow('down');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await flaky.get('k', lookup)).toBe('up');
  });
});

describe('SingleFlight', () => {
  it('runs one computation per key at a time', async () => {
    let runs = 0;
    const fills = new SingleFlight<number>();
    const work = async () => {
      runs += 1;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return runs;
    };
    expect(await Promise.all([fills.run('c', work), fills.run('c', work)])).toEqual([1, 1]);
    expect(await fills.run('c', work)).toBe(2);
  });
});
