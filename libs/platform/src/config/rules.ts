import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  Matches,
  Max,
  Min,
  ValidateBy,
  type ValidationArguments,
} from 'class-validator';

/*
 * The kinds of environment variable, as property decorators for the schema (environment.ts):
 * class-transformer turns the text into the typed value, class-validator checks it. Each
 * message says what the rule wants and what it got; the loader puts the variable's name first.
 */

const all =
  (...decorators: PropertyDecorator[]): PropertyDecorator =>
  (target, property) => {
    for (const decorate of decorators) decorate(target, property);
  };

const got =
  (rule: string) =>
  ({ value }: ValidationArguments): string =>
    `${rule} (got '${String(value)}')`;

/** Digits become a number; anything else stays text, for the rule to refuse and show. */
export function WholeNumber(min: number, max: number): PropertyDecorator {
  const message = got(`must be a whole number from ${min} to ${max}`);
  return all(
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value,
    ),
    IsInt({ message }),
    Min(min, { message }),
    Max(max, { message }),
  );
}

export function OneOf(allowed: readonly string[]): PropertyDecorator {
  return IsIn([...allowed], { message: got(`must be one of ${allowed.join(', ')}`) });
}

/** Text matching `pattern`; `rule` says it in words. */
export function Text(pattern: RegExp, rule = `must match ${String(pattern)}`): PropertyDecorator {
  return Matches(pattern, { message: got(rule) });
}

/**
 * A URL with one of `protocols`. The message never repeats the value: a connection URL may
 * carry a password.
 */
export function Url(protocols: readonly string[]): PropertyDecorator {
  return ValidateBy({
    name: 'url',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && protocols.includes(protocolOf(value) ?? ''),
      defaultMessage: (args?: ValidationArguments) => {
        const protocol = protocolOf(String(args?.value));
        return protocol === null
          ? 'is not a URL'
          : `protocol must be one of ${protocols.join(', ')} (got ${protocol})`;
      },
    },
  });
}

function protocolOf(text: string): string | null {
  try {
    return new URL(text).protocol;
  } catch {
    return null;
  }
}

/** Comma-separated text becomes its entries, blanks around and between them dropped. */
const commaSeparated = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((entry) => entry.trim())
          .filter((entry) => entry !== '')
      : value,
  );

/** A list whose every entry matches `pattern`; the message names each entry that does not. */
const EveryEntry = (name: string, pattern: RegExp, what: string): PropertyDecorator =>
  ValidateBy({
    name,
    validator: {
      validate: (value: unknown) =>
        Array.isArray(value) && value.every((entry) => pattern.test(String(entry))),
      defaultMessage: (args?: ValidationArguments) =>
        (Array.isArray(args?.value) ? (args.value as unknown[]) : [args?.value])
          .map(String)
          .filter((entry) => !pattern.test(entry))
          .map((entry) => `'${entry}' is not ${what}`)
          .join(', '),
    },
  });

const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;

/**
 * Comma-separated `host:port` entries (blanks around and between them ignored). Unset stays
 * undefined, for the loader's mode-dependent default; given but empty in distributed mode
 * is refused.
 */
export function BrokerList(): PropertyDecorator {
  return all(
    commaSeparated(),
    IsOptional(),
    EveryEntry('hostPortList', HOST_PORT, 'host:port'),
    ValidateBy({
      name: 'requiredInDistributedMode',
      validator: {
        validate: (value: unknown, args?: ValidationArguments) =>
          (args?.object as { CVF_MODE?: unknown } | undefined)?.CVF_MODE !== 'distributed' ||
          (Array.isArray(value) && value.length > 0),
        defaultMessage: () => 'required in distributed mode',
      },
    }),
  );
}

/** Distributed mode, or NODE_ENV=production: where a missing credential is a boot error. */
const strict = (args?: ValidationArguments): boolean => {
  const object = args?.object as { CVF_MODE?: unknown; NODE_ENV?: unknown } | undefined;
  return object?.CVF_MODE === 'distributed' || object?.NODE_ENV === 'production';
};

/**
 * A secret of at least `minLength` characters, optional unless `requiredWhenStrict` (then
 * distributed mode and production refuse to boot without it). No message repeats the value.
 */
export function Secret(minLength: number, requiredWhenStrict = false): PropertyDecorator {
  return ValidateBy({
    name: 'secret',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) =>
        value === undefined
          ? !(requiredWhenStrict && strict(args))
          : typeof value === 'string' && value.length >= minLength,
      defaultMessage: (args?: ValidationArguments) =>
        args?.value === undefined
          ? 'required in distributed mode and in production (NODE_ENV=production)'
          : `must be at least ${minLength} characters (got ${String(args.value).length})`,
    },
  });
}

/** Optional text matching `pattern`. */
export function OptionalText(pattern: RegExp, rule: string): PropertyDecorator {
  return all(IsOptional(), Matches(pattern, { message: got(rule) }));
}

/** SECRET_KEY: `<id>:<base64 of 32 bytes>[,…]`, required where credentials are. */
export function SecretKeyList(
  parse: (text: string) => unknown,
  requiredWhenStrict = true,
): PropertyDecorator {
  let problem = '';
  return ValidateBy({
    name: 'secretKeyList',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => {
        if (value === undefined) {
          problem = 'required in distributed mode and in production (NODE_ENV=production)';
          return !(requiredWhenStrict && strict(args));
        }
        if (typeof value !== 'string') {
          problem = 'must be text';
          return false;
        }
        try {
          parse(value);
          return true;
        } catch (error) {
          problem = error instanceof Error ? error.message : String(error);
          return false;
        }
      },
      defaultMessage: () => problem,
    },
  });
}

/** Comma-separated web origins (`https://app.example.com`); unset or empty means none. */
export function OriginList(): PropertyDecorator {
  const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/;
  return all(
    commaSeparated(),
    EveryEntry('originList', ORIGIN, 'an origin such as https://app.example.com'),
  );
}
