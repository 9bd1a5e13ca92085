import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertNoPlaceholders, fillSecrets } from './fill.ts';

let root: string;
let secrets: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gs-apply-secrets-'));
  secrets = join(root, 'secrets');
  await mkdir(join(secrets, 'openvpn'), { recursive: true });
  await writeFile(
    join(secrets, 'openvpn', 'rt-berlin.key'),
    '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n',
  );
  await writeFile(join(secrets, 'token'), 'abcdef.0123456789abcdef\n');
  await writeFile(join(secrets, 'dollar'), 'a$&b$1c\n');
  await writeFile(join(root, 'outside'), 'not a secret\n');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('fillSecrets', () => {
  it('puts a multi-line key where its placeholder line was, byte for byte', async () => {
    const result = await fillSecrets('@secret:openvpn/rt-berlin.key@\n', secrets);
    expect(result).toEqual({
      ok: true,
      content: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n',
    });
  });

  it('fills inline placeholders with the bare value, every occurrence', async () => {
    const result = await fillSecrets('token: @secret:token@\nagain: "@secret:token@"\n', secrets);
    expect(result).toEqual({
      ok: true,
      content: 'token: abcdef.0123456789abcdef\nagain: "abcdef.0123456789abcdef"\n',
    });
  });

  it('copies replacement patterns in a secret literally', async () => {
    expect(await fillSecrets('x=@secret:dollar@', secrets)).toEqual({ ok: true, content: 'x=a$&b$1c' });
  });

  it('reports every missing secret, sorted, and fills nothing', async () => {
    const result = await fillSecrets('@secret:zz/none@ @secret:token@ @secret:aa/none@', secrets);
    expect(result).toEqual({ ok: false, missing: ['aa/none', 'zz/none'] });
  });

  it('refuses names that climb out of the secrets folder', async () => {
    expect(await fillSecrets('@secret:../outside@', secrets)).toEqual({ ok: false, missing: ['../outside'] });
    expect(await fillSecrets('@secret:openvpn/../../outside@', secrets)).toEqual({
      ok: false,
      missing: ['openvpn/../../outside'],
    });
  });

  it('leaves text without placeholders as it is', async () => {
    expect(await fillSecrets('plain @ text @secret:@\n', secrets)).toEqual({
      ok: true,
      content: 'plain @ text @secret:@\n',
    });
  });
});

describe('assertNoPlaceholders', () => {
  it('passes filled content and names what is left otherwise', () => {
    expect(assertNoPlaceholders('key material\n')).toEqual({ ok: true });
    expect(assertNoPlaceholders('a @secret:b/c@ d @secret:a@')).toEqual({
      ok: false,
      placeholders: ['a', 'b/c'],
    });
  });
});
