import { generateSecretKey, parseSecretKeys, SecretBox, SecretKeyError } from './secret-box';

describe('SecretBox (AES-256-GCM at rest)', () => {
  const keys = parseSecretKeys(`${generateSecretKey('old')}`);
  const box = new SecretBox(keys);

  it('given a sealed secret, when opened with the same context, then it is the plaintext', () => {
    const sealed = box.seal('whsec_abc', 'acme/whs_1');
    expect(sealed).toMatch(/^v1\.old\./);
    expect(sealed).not.toContain('whsec_abc');
    expect(box.open(sealed, 'acme/whs_1')).toBe('whsec_abc');
  });

  it('sealing twice gives two texts (fresh IV each time)', () => {
    expect(box.seal('s', 'c')).not.toBe(box.seal('s', 'c'));
  });

  it('another context (a row copied to another company) does not open', () => {
    const sealed = box.seal('whsec_abc', 'acme/whs_1');
    expect(() => box.open(sealed, 'beta/whs_1')).toThrow();
  });

  it('an altered ciphertext does not open', () => {
    const sealed = box.seal('whsec_abc', 'c');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[4]!, 'base64url');
    body[0] = body[0]! ^ 1;
    parts[4] = body.toString('base64url');
    expect(() => box.open(parts.join('.'), 'c')).toThrow();
  });

  it('rotation: the new key seals, the old one still opens, old texts need a reseal', () => {
    const rotated = new SecretBox(
      parseSecretKeys(`${generateSecretKey('new')},old:${keys[0]!.key.toString('base64')}`),
    );
    const before = box.seal('whsec_abc', 'c');
    expect(rotated.open(before, 'c')).toBe('whsec_abc');
    expect(rotated.needsReseal(before)).toBe(true);
    expect(rotated.needsReseal(rotated.seal('x', 'c'))).toBe(false);
  });

  it('a key that SECRET_KEY no longer lists is named', () => {
    const other = new SecretBox(parseSecretKeys(generateSecretKey('other')));
    expect(() => other.open(box.seal('s', 'c'), 'c')).toThrow('sealed under key old');
  });

  it.each([
    ['no id', 'AAAA', 'must be <id>:<base64 key>'],
    ['a short key', 'k1:AAAA', 'must be 32 bytes'],
    ['twice the same id', `${generateSecretKey('a')},${generateSecretKey('a')}`, 'distinct'],
  ])('SECRET_KEY with %s is refused', (_case, text, message) => {
    expect(() => parseSecretKeys(text)).toThrow(SecretKeyError);
    expect(() => parseSecretKeys(text)).toThrow(message);
  });
});
