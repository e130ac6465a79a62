import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config';
import { JwtVerifier } from './jwt';

// JWTs signed by an identity provider's private key, verified with its public key from
// JWT_PUBLIC_KEY_FILE: a PEM (RS256 or ES256 by the key's type) or a JWKS.

const ISSUER = 'https://id.example.test/';
const AUDIENCE = 'cvf-api';
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cvf-jwt-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function verifierFor(file: string, contents: string): Promise<JwtVerifier> {
  const path = join(dir, file);
  writeFileSync(path, contents);
  const verifier = new JwtVerifier(
    loadConfig({ JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, JWT_PUBLIC_KEY_FILE: path }),
  );
  await verifier.onModuleInit();
  return verifier;
}

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

const token = (alg: string, key: SigningKey, claims: Record<string, unknown>, kid?: string) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg, ...(kid === undefined ? {} : { kid }) })
    .setSubject('alice@fund')
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setExpirationTime('5m')
    .sign(key);

it.each(['ES256', 'RS256'])(
  'a %s PEM public key verifies tokens of its private key only',
  async (alg) => {
    const { publicKey, privateKey } = await generateKeyPair(alg);
    const verifier = await verifierFor(`${alg}.pem`, await exportSPKI(publicKey));
    expect(await verifier.verify(await token(alg, privateKey, { cvf_role: 'operations' }))).toEqual(
      {
        id: 'alice@fund',
        kind: 'jwt',
        role: 'operations',
        companyId: null,
      },
    );
    const other = await generateKeyPair(alg);
    expect(
      await verifier.verify(await token(alg, other.privateKey, { cvf_role: 'operations' })),
    ).toBeNull();
  },
);

it('a JWKS verifies by key id, and an HS256 token is refused by a public-key configuration', async () => {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' };
  const verifier = await verifierFor('jwks.json', JSON.stringify({ keys: [jwk] }));
  const company = await token(
    'RS256',
    privateKey,
    { cvf_role: 'company', company_id: 'acme' },
    'idp-1',
  );
  expect(await verifier.verify(company)).toMatchObject({ role: 'company', companyId: 'acme' });
  const hs = await new SignJWT({ cvf_role: 'admin' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('mallory')
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode('x'.repeat(32)));
  expect(await verifier.verify(hs)).toBeNull();
});

it('a key file that is neither PEM nor JWKS stops the boot, naming the variable', async () => {
  await expect(verifierFor('junk.pem', 'not a key')).rejects.toThrow(
    /^JWT_PUBLIC_KEY_FILE: cannot use it as a PEM public key or a JWKS/,
  );
});
