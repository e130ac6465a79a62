/**
 * A decider (emmett): pure `decide(command, state) → events` and `evolve(state, event) →
 * state`, from an initial state. A command handler loads a stream, folds it with `evolve`,
 * calls `decide`, and appends the result with the expected version.
 */
export interface Decider<Command, Event, State> {
  readonly decide: (command: Command, state: State) => readonly Event[];
  readonly evolve: (state: State, event: Event) => State;
  readonly initialState: State;
}
