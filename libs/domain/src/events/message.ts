/**
 * The two message shapes of every decider (emmett style): a readonly `type` discriminant and
 * a readonly `data` payload. Event payload keys are snake_case because they are the storage
 * and wire form; commands use the same keys so a validation issue names the field the caller
 * sent.
 */
export type Event<Type extends string, Data extends object> = Readonly<{
  type: Type;
  data: Readonly<Data>;
}>;

export type Command<Type extends string, Data extends object> = Readonly<{
  type: Type;
  data: Readonly<Data>;
}>;
