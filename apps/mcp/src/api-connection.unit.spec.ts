import { ConfigError, parseEnvironment } from '@cvf/platform';
import { apiConnectionFrom } from './api-connection';

const TOKEN = 'cvfk_0123456789abcdefghijklmnopqrstuvwxyzABCD';

it('given only a token, then both services are the all-in-one default', () => {
  expect(apiConnectionFrom(parseEnvironment({ CVF_API_TOKEN: TOKEN }))).toEqual({
    urls: { gateway: 'http://127.0.0.1:3000', ingest: 'http://127.0.0.1:3000' },
    token: TOKEN,
    timeoutMs: 30_000,
  });
});

it('given an ingest host of its own, then commands go there and reads to the API', () => {
  const environment = parseEnvironment({
    CVF_API_TOKEN: TOKEN,
    CVF_API_URL: 'https://api.example.test',
    CVF_INGEST_URL: 'https://ingest.example.test',
  });
  expect(apiConnectionFrom(environment).urls).toEqual({
    gateway: 'https://api.example.test',
    ingest: 'https://ingest.example.test',
  });
});

it('given no token, then a configuration error naming CVF_API_TOKEN', () => {
  expect(() => apiConnectionFrom(parseEnvironment({}))).toThrow(ConfigError);
  expect(() => apiConnectionFrom(parseEnvironment({}))).toThrow(/CVF_API_TOKEN: required/);
});

it('given a bad URL or a short token, then the environment names them, not the token', () => {
  let problems: readonly string[] = [];
  try {
    parseEnvironment({ CVF_API_URL: 'ftp://x', CVF_INGEST_URL: 'nope', CVF_API_TOKEN: 'short' });
  } catch (error) {
    if (error instanceof ConfigError) problems = error.problems;
  }
  expect(problems).toEqual([
    'CVF_API_URL: protocol must be one of http:, https: (got ftp:)',
    'CVF_INGEST_URL: is not a URL',
    'CVF_API_TOKEN: must be at least 32 characters (got 5)',
  ]);
});
