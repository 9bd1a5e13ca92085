import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadTopology, type Model, resolve } from '@geostage/schema';
import { afterAll, describe, expect, it } from 'vitest';
import type { SecretFolders } from './files.ts';
import { secretsInit as initIn, type SecretsInitOptions } from './init.ts';

const run = promisify(execFile);
const repository = new URL('../../../../', import.meta.url);

function example(name: string): Model {
  const source = `environments/${name}/topology.yaml`;
  const { topology, diagnostics } = loadTopology(readFileSync(new URL(source, repository), 'utf8'), source);
  if (!topology) throw new Error(`${source}: ${JSON.stringify(diagnostics)}`);
  return resolve(topology, source);
}

const folders: string[] = [];
async function environment(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'gs-secrets-'));
  folders.push(folder);
  return folder;
}
afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

/** A temporary folder laid out as an environment: secrets/ and public/ inside. */
const secretsInit = (folder: string, model: Model, options?: SecretsInitOptions) => {
  const folders: SecretFolders = { folder, secrets: join(folder, 'secrets'), public: join(folder, 'public') };
  return initIn(folders, model, options);
};

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

async function snapshot(folder: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (entry.isFile())
      out[join(entry.parentPath, entry.name)] = await readFile(join(entry.parentPath, entry.name), 'utf8');
  }
  return out;
}

// openssl and openvpn run for real; RSA key generation alone can take seconds on a busy machine.
describe('static keys (keio-2019)', { timeout: 30_000 }, () => {
  const model = example('keio-2019');

  it('creates one private V1 static key per tunnel that the real openvpn accepts', async () => {
    const env = await environment();
    const result = await secretsInit(env, model);
    expect(result.ok).toBe(true);
    const keys = model.tunnels.map((tunnel) => `secrets/openvpn/${tunnel.name}.key`);
    expect(result.created).toEqual(keys.flatMap((key) => [key, `${key}.body`]));
    expect(await modeOf(join(env, 'secrets'))).toBe(0o700);
    for (const key of keys) {
      const path = join(env, key);
      expect(await modeOf(path)).toBe(0o600);
      const text = await readFile(path, 'utf8');
      expect(text).toMatch(
        /^#\n# 2048 bit OpenVPN static key\n#\n-----BEGIN OpenVPN Static key V1-----\n([0-9a-f]{32}\n){16}-----END OpenVPN Static key V1-----\n$/,
      );
      const body = (await readFile(`${path}.body`, 'utf8')).trim();
      expect(body).toBe(text.split('\n').slice(4, 20).join(''));
      const { stdout } = await run('openvpn', [
        '--test-crypto',
        '--secret',
        path,
        '--cipher',
        'AES-256-CBC',
        '--auth',
        'SHA256',
        '--verb',
        '1',
      ]);
      expect(stdout).toContain('crypto self-test mode SUCCEEDED');
    }
    const distinct = new Set(await Promise.all(keys.map((key) => readFile(join(env, key), 'utf8'))));
    expect(distinct.size).toBe(keys.length);
  });

  it('keeps existing keys unless forced', async () => {
    const env = await environment();
    await secretsInit(env, model);
    const before = await snapshot(env);
    const again = await secretsInit(env, model);
    expect(again).toMatchObject({ ok: true, created: [] });
    expect(await snapshot(env)).toEqual(before);
    const forced = await secretsInit(env, model, { force: true });
    expect(forced.ok && forced.created.length).toBe(model.tunnels.length * 2);
    const after = await snapshot(env);
    for (const path of Object.keys(before)) expect(after[path]).not.toBe(before[path]);
  });
});

describe('TLS (global-hub)', { timeout: 30_000 }, () => {
  const model = example('global-hub');
  const routers = model.sites.map((site) => site.router.name).sort();

  it('creates a CA and a certificate per router, CN = router name, verified by openssl', async () => {
    const env = await environment();
    const result = await secretsInit(env, model);
    expect(result.ok).toBe(true);
    expect(await modeOf(join(env, 'secrets', 'openvpn', 'ca.key'))).toBe(0o600);
    expect(await modeOf(join(env, 'public', 'ca.crt'))).toBe(0o644);
    const ca = join(env, 'public', 'ca.crt');
    const fingerprints = JSON.parse(await readFile(join(env, 'public', 'fingerprints.json'), 'utf8'));
    expect(Object.keys(fingerprints)).toEqual(['ca.crt', ...routers.map((router) => `${router}.crt`)]);
    for (const router of routers) {
      const certificate = join(env, 'public', `${router}.crt`);
      const key = join(env, 'secrets', 'openvpn', `${router}.key`);
      expect(await modeOf(key)).toBe(0o600);
      expect((await run('openssl', ['verify', '-CAfile', ca, certificate])).stdout).toBe(
        `${certificate}: OK\n`,
      );
      const { stdout } = await run('openssl', [
        'x509',
        '-in',
        certificate,
        '-noout',
        '-subject',
        '-fingerprint',
        '-sha256',
        '-ext',
        'extendedKeyUsage',
      ]);
      expect(stdout).toContain(`subject=CN = ${router}\n`);
      expect(stdout).toContain(`sha256 Fingerprint=${fingerprints[`${router}.crt`]}\n`);
      expect(stdout).toContain('TLS Web Server Authentication, TLS Web Client Authentication');
      // The key is the certificate's: both give the same public key.
      const fromKey = (await run('openssl', ['pkey', '-in', key, '-pubout'])).stdout;
      const fromCertificate = (await run('openssl', ['x509', '-in', certificate, '-noout', '-pubkey']))
        .stdout;
      expect(fromKey).toBe(fromCertificate);
      const body = (await readFile(`${key}.body`, 'utf8')).trim();
      expect(body).toMatch(/^[A-Za-z0-9+/=]+$/);
    }
    const publicFiles = (await readdir(join(env, 'public'))).sort();
    expect(publicFiles).toEqual(
      ['ca.crt', 'fingerprints.json', ...routers.map((router) => `${router}.crt`)].sort(),
    );
    for (const file of publicFiles)
      expect(await readFile(join(env, 'public', file), 'utf8')).not.toContain('PRIVATE KEY');
  });

  it('is idempotent, re-issues only what is missing, and never replaces a CA it cannot sign with', async () => {
    const env = await environment();
    await secretsInit(env, model);
    const before = await snapshot(env);
    expect(await secretsInit(env, model)).toMatchObject({ ok: true, created: [] });
    expect(await snapshot(env)).toEqual(before);

    await unlink(join(env, 'public', 'rt-berlin.crt'));
    const reissued = await secretsInit(env, model);
    expect(reissued).toMatchObject({
      ok: true,
      created: ['public/rt-berlin.crt', 'public/fingerprints.json'],
    });
    expect(reissued.kept).toContain('secrets/openvpn/rt-berlin.key');

    await unlink(join(env, 'secrets', 'openvpn', 'ca.key'));
    const refused = await secretsInit(env, model);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error).toMatch(
      /public\/ca\.crt exists but secrets\/openvpn\/ca\.key is missing.*--force/,
    );
    expect(refused.created).toEqual([]);

    const forced = await secretsInit(env, model, { force: true });
    expect(forced.ok).toBe(true);
    expect(forced.created).toEqual(
      expect.arrayContaining(['secrets/openvpn/ca.key', 'public/ca.crt', 'public/hub-tokyo.crt']),
    );
    const after = await snapshot(env);
    expect(after[join(env, 'public', 'ca.crt')]).not.toBe(before[join(env, 'public', 'ca.crt')]);
    // No temporary file is left behind: every file is a key, a body, a certificate or the fingerprints.
    expect(Object.keys(after).filter((path) => !/\.(key|body|crt|json)$/.test(path))).toEqual([]);
  });

  it('offers RSA 2048 keys as well', async () => {
    const env = await environment();
    const result = await secretsInit(env, model, { keyType: 'rsa' });
    expect(result.ok).toBe(true);
    const { stdout } = await run('openssl', [
      'x509',
      '-in',
      join(env, 'public', 'rt-berlin.crt'),
      '-noout',
      '-text',
    ]);
    expect(stdout).toContain('Public-Key: (2048 bit)');
    expect(stdout).toContain('rsaEncryption');
  });
});

describe('secrets init for TLS on VyOS 1.2 (keio-2019 switched to TLS)', () => {
  const keio = example('keio-2019');
  const model: Model = { ...keio, vpn: { ...keio.vpn, authentication: 'tls', cipher: 'aes-256-gcm' } };

  it('adds the public DH parameters the passive VyOS 1.2 end names in dh-file', async () => {
    const env = await environment();
    const result = await secretsInit(env, model);
    expect(result.ok).toBe(true);
    expect(result.created).toContain('public/dh.pem');
    const dh = join(env, 'public', 'dh.pem');
    const check = await run('openssl', ['pkeyparam', '-in', dh, '-text', '-noout']);
    expect(check.stdout).toContain('GROUP: ffdhe2048');
    expect(await modeOf(dh)).toBe(0o644);
    expect((await secretsInit(env, model)).kept).toContain('public/dh.pem');
  });
});

describe('a secrets init that fails', { timeout: 30_000 }, () => {
  const model = example('global-hub');

  /** Runs secrets init with no openssl on the PATH, so that the first certificate fails. */
  async function withoutOpenssl(env: string, options?: SecretsInitOptions) {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      return await secretsInit(env, model, options);
    } finally {
      process.env.PATH = path;
    }
  }

  it('leaves no secrets or public folder behind when there was none', async () => {
    const env = await environment();
    const failed = await withoutOpenssl(env);
    expect(failed).toMatchObject({ ok: false, created: [] });
    expect(!failed.ok && failed.error).toContain('openssl is not installed');
    expect(await readdir(env)).toEqual([]);
  });

  it('leaves existing secrets exactly as they were, even with --force', async () => {
    const env = await environment();
    expect((await secretsInit(env, model)).ok).toBe(true);
    const before = await snapshot(env);
    expect((await withoutOpenssl(env, { force: true })).ok).toBe(false);
    expect(await snapshot(env)).toEqual(before);
    expect((await readdir(env)).sort()).toEqual(['public', 'secrets']);
    expect(await modeOf(join(env, 'secrets'))).toBe(0o700);
  });
});

describe('a secrets init killed between the two renames of its swap', { timeout: 30_000 }, () => {
  const model = example('keio-2019');

  it('is undone by the next run: the retired secrets go back and are kept, the dot folders go', async () => {
    const env = await environment();
    expect((await secretsInit(env, model)).ok).toBe(true);
    const before = await snapshot(join(env, 'secrets'));
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    // What the killed run left: secrets/ renamed away, a staging copy of public/ never swapped in.
    await rename(join(env, 'secrets'), join(env, `.secrets.old-${dead}-0badc0de`));
    await mkdir(join(env, `.public.new-${dead}-0badc0de`));
    const next = await secretsInit(env, model);
    expect(next).toMatchObject({ ok: true, created: [] });
    // Static keys have no public half: only secrets/ is there.
    expect(await readdir(env)).toEqual(['secrets']);
    expect(Object.values(await snapshot(join(env, 'secrets')))).toEqual(Object.values(before));
  });
});
