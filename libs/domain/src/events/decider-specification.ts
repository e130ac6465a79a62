import { type Decider } from './decider';

/**
 * Given / when / then for deciders, in the manner of emmett's DeciderSpecification:
 *
 *   const given = deciderSpecification(companyDecider);
 *   given([registered]).when(createTrade).then([tradeCreated]);
 *
 * For specs only: it relies on Jest's global `expect` and is not exported from the index.
 */

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

export function deciderSpecification<Command, Event, State>(
  decider: Decider<Command, Event, State>,
) {
  return (given: readonly Event[] = []) => ({
    when: (command: Command) => {
      const run = () => decider.decide(command, given.reduce(decider.evolve, decider.initialState));
      return {
        then(expected: readonly Event[]): void {
          const events = run();
          expect(events).toEqual(expected);
          // The produced events must also fold: a decider that emits what evolve rejects
          // would brick its stream on the next load.
          events.reduce(decider.evolve, given.reduce(decider.evolve, decider.initialState));
        },
        thenNothing(): void {
          expect(run()).toEqual([]);
        },
        thenThrows<E extends Error>(errorClass: ErrorClass<E>, check?: (error: E) => void): void {
          let thrown: unknown;
          try {
            run();
          } catch (error) {
            thrown = error;
          }
          expect(thrown).toBeInstanceOf(errorClass);
          check?.(thrown as E);
        },
      };
    },
  });
}

/** The error `act` throws; fails the spec when it throws nothing. */
export function thrownBy(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, but nothing was thrown');
}
