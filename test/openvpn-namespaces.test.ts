// Proof that the Linux router files gen-vyos writes are accepted by the real tools and carry
// traffic: two sites, each a router namespace with a server namespace behind it, joined by an
// underlay bridge; the generated sysctl, nftables and OpenVPN configs run unchanged except for
// one documented path mapping, and a server of one site reaches the other site's server.
//
// Path mapping: the configs name files under /etc/openvpn/geostage/ (OPENVPN_DIR) as on a
// device; here each router's files are installed in <temporary>/<router>/ and that one prefix
// is rewritten in the configs, nothing else. Key files are filled from secrets/ by apply's
// fillSecrets, as an upload would. GS_KEEP=1 keeps the temporary folder (OpenVPN logs) for a look.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environmentPaths } from '@geostage/environment';
import { generateLinuxRouters, generateNetplan, OPENVPN_DIR } from '@geostage/gen-vyos';
import { type FileSet, loadTopology, type Model, resolve } from '@geostage/schema';
import { assertNoPlaceholders, fillSecrets, readPublicMaterial, secretsInit } from '@geostage/secrets';
import { inside, Namespaces, namespaceSupport, run, waitFor } from '@geostage/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

interface Variant {
  key: string;
  title: string;
  authentication: 'tls' | 'static-key';
  /** West is marked as behind NAT: east then has no `remote` and waits for west to dial in. */
  westNat: boolean;
}

const VARIANTS: Variant[] = [
  { key: 't', title: 'TLS, west dials in (no remote on east)', authentication: 'tls', westNat: true },
  { key: 's', title: 'static key, both ends dial', authentication: 'static-key', westNat: false },
];

function topologyText(variant: Variant): string {
  return stringify({
    name: `lab-${variant.key}`,
    sites: [
      {
        name: 'east',
        router: { name: 'rt-east', os: 'linux', wan: { interface: 'eth0', address: '100.64.0.1/24' } },
        segments: [{ name: 'lan', prefix: '10.1.0.0/24', gateway: '10.1.0.1', interface: 'eth1' }],
      },
      {
        name: 'west',
        router: {
          name: 'rt-west',
          os: 'linux',
          wan: { interface: 'eth0', address: '100.64.0.2/24', nat: variant.westNat },
        },
        segments: [{ name: 'lan', prefix: '10.2.0.0/24', gateway: '10.2.0.1', interface: 'eth1' }],
      },
    ],
    servers: [
      { name: 'srv-east', site: 'east', address: '10.1.0.10', roles: ['worker'] },
      { name: 'srv-west', site: 'west', address: '10.2.0.10', roles: ['worker'] },
    ],
    vpn: { authentication: variant.authentication, pool: '10.255.0.0/24' },
  });
}

function fileOf(files: FileSet, path: string): string {
  const file = files.find((candidate) => candidate.path === path);
  if (!file) throw new Error(`not generated: ${path}`);
  return file.content;
}

const support = namespaceSupport();

if (support !== null) {
  describe('generated Linux router configs in network namespaces', () => {
    it.skip(`skipped: ${support}`, () => {});
  });
} else {
  describe.each(VARIANTS)('generated Linux router configs in network namespaces: $title', (variant) => {
    const namespaces = new Namespaces(`gs-t${process.pid}-${variant.key}`);
    const processes: ChildProcess[] = [];
    let root = '';
    let model: Model;
    let files: FileSet;
    const ns: Record<string, string> = {};

    beforeAll(async () => {
      root = await mkdtemp(join(tmpdir(), `gs-t${process.pid}-${variant.key}-`));
      const source = `lab-${variant.key}/topology.yaml`;
      const loaded = loadTopology(topologyText(variant), source);
      expect(loaded.diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);
      model = resolve(loaded.topology!, source);

      // Secrets, then generation with the public halves, as `secrets init` + `generate` would.
      const envDir = join(root, 'env');
      const secrets = await secretsInit(environmentPaths(envDir), model);
      if (!secrets.ok) throw new Error(secrets.error);
      const material = await readPublicMaterial(environmentPaths(envDir).public);
      expect(Object.keys(material.routers).length).toBe(variant.authentication === 'tls' ? 2 : 0);
      const generated = generateLinuxRouters(model, material);
      expect(generated.warnings.filter((warning) => warning.includes('secrets init'))).toEqual([]);
      files = [...generated.files, ...generateNetplan(model)];

      // Install each router's OpenVPN folder as an upload would: placeholders filled, modes kept.
      for (const site of model.sites) {
        const router = site.router.name;
        const folder = join(root, router);
        await mkdir(folder, { mode: 0o700 });
        for (const file of files.filter((candidate) => candidate.path.startsWith(`routers/${router}/`))) {
          const relative = file.path.slice(`routers/${router}/`.length);
          const filled = await fillSecrets(file.content, environmentPaths(envDir).secrets);
          if (!filled.ok) throw new Error(`${file.path}: missing secrets ${filled.missing.join(', ')}`);
          expect(assertNoPlaceholders(filled.content)).toEqual({ ok: true });
          const content = relative.startsWith('openvpn/')
            ? filled.content.replaceAll(`${OPENVPN_DIR}/`, `${folder}/`)
            : filled.content;
          const target = join(folder, relative.replace(/^openvpn\//, ''));
          await mkdir(join(target, '..'), { recursive: true });
          await writeFile(target, content, { mode: file.mode });
          await chmod(target, file.mode);
        }
      }

      // Underlay bridge, two routers on it, a server behind each router.
      ns.underlay = await namespaces.add('u');
      await run('ip', ['-n', ns.underlay, 'link', 'add', 'br0', 'type', 'bridge']);
      await run('ip', ['-n', ns.underlay, 'link', 'set', 'br0', 'up']);
      for (const site of model.sites) {
        const router = site.router;
        const routerNs = await namespaces.add(`r${site.id}`);
        const serverNs = await namespaces.add(`s${site.id}`);
        ns[router.name] = routerNs;
        await namespaces.link(routerNs, router.wan.interface, ns.underlay, `wan${site.id}`);
        await run('ip', ['-n', ns.underlay, 'link', 'set', `wan${site.id}`, 'master', 'br0']);
        await run('ip', ['-n', routerNs, 'addr', 'add', router.wan.address, 'dev', router.wan.interface]);

        // The server: its interface and addressing read back from the generated netplan.
        const server = model.servers.find((candidate) => candidate.site === site.name)!;
        ns[server.name] = serverNs;
        const netplan = parse(fileOf(files, `servers/${server.name}/netplan.yaml`));
        const [name, ethernet] = Object.entries(netplan.network.ethernets)[0] as [
          string,
          { addresses: string[]; routes: { via: string }[] },
        ];
        await namespaces.link(routerNs, site.segments[0]!.interface, serverNs, name);
        await run('ip', ['-n', serverNs, 'addr', 'add', ethernet.addresses[0]!, 'dev', name]);
        await run('ip', ['-n', serverNs, 'route', 'add', 'default', 'via', ethernet.routes[0]!.via]);

        // The router: LAN address from the generated networkd file, forwarding from the
        // generated sysctl file, the generated nftables ruleset loaded for real.
        const folder = join(root, router.name);
        const network = fileOf(
          files,
          `routers/${router.name}/network/10-geostage-${site.segments[0]!.interface}.network`,
        );
        for (const [, address] of network.matchAll(/^Address=(.+)$/gm)) {
          await run('ip', ['-n', routerNs, 'addr', 'add', address!, 'dev', site.segments[0]!.interface]);
        }
        await inside(routerNs, 'sysctl', ['-q', '-p', join(folder, 'sysctl.conf')]);
        await inside(routerNs, 'nft', ['-f', join(folder, 'nftables.conf')]);
      }

      // One openvpn per tunnel end, with the generated config.
      for (const tunnel of model.tunnels) {
        for (const end of [tunnel.a, tunnel.b]) {
          const folder = join(root, end.router);
          const child = spawn(
            'ip',
            [
              'netns',
              'exec',
              ns[end.router]!,
              'openvpn',
              '--config',
              join(folder, `${end.interface}.conf`),
              '--log',
              join(root, `${end.router}.log`),
            ],
            { stdio: 'ignore' },
          );
          processes.push(child);
        }
      }
      await Promise.all(
        model.sites.map((site) =>
          waitFor(`${site.router.name}: Initialization Sequence Completed`, 15_000, async () => {
            const log = await readFile(join(root, `${site.router.name}.log`), 'utf8').catch(() => '');
            if (/Exiting due to fatal error|Options error/.test(log)) throw new Error(log);
            return log.includes('Initialization Sequence Completed') ? true : null;
          }).catch(async (error) => {
            const log = await readFile(join(root, `${site.router.name}.log`), 'utf8').catch(() => '(no log)');
            throw new Error(`${String(error)}\n--- ${site.router.name} log ---\n${log}`);
          }),
        ),
      );
    });

    afterAll(async () => {
      for (const child of processes) {
        if (child.exitCode === null) {
          const exited = new Promise((done) => child.once('exit', done));
          child.kill('SIGTERM');
          await Promise.race([exited, new Promise((done) => setTimeout(done, 3000))]);
          if (child.exitCode === null) child.kill('SIGKILL');
        }
      }
      await namespaces.removeAll();
      if (root && !process.env.GS_KEEP) await rm(root, { recursive: true, force: true });
    });

    it('generated what this variant exercises', () => {
      const east = fileOf(files, 'routers/rt-east/openvpn/vtun2.conf');
      const west = fileOf(files, 'routers/rt-west/openvpn/vtun1.conf');
      expect(west).toMatch(/^remote 100\.64\.0\.1 \d+$/m);
      if (variant.westNat) expect(east).not.toMatch(/^remote /m);
      else expect(east).toMatch(/^remote 100\.64\.0\.2 \d+$/m);
      if (variant.authentication === 'tls') {
        expect(west).toMatch(/^tls-client$/m);
        expect(east).toMatch(/^tls-server$/m);
        expect(east).toMatch(/^verify-x509-name rt-west name$/m);
      } else {
        expect(east).toMatch(/^secret \/etc\/openvpn\/geostage\/east--west\.key$/m);
      }
    });

    it('brings up each tunnel interface with its addresses and the routes to the other LAN', async () => {
      for (const tunnel of model.tunnels) {
        for (const [local, peer] of [
          [tunnel.a, tunnel.b],
          [tunnel.b, tunnel.a],
        ] as const) {
          const routerNs = ns[local.router]!;
          const address = await waitFor(`${local.interface} address`, 5_000, async () => {
            const shown = await run('ip', [
              '-n',
              routerNs,
              '-o',
              '-4',
              'addr',
              'show',
              'dev',
              local.interface,
            ]);
            return shown.includes(`inet ${local.address} peer ${peer.address}`) ? shown : null;
          });
          expect(address).toContain(local.interface);
          const router = model.sites.find((site) => site.router.name === local.router)!.router;
          for (const route of router.routes) {
            const shown = await run('ip', ['-n', routerNs, 'route', 'show', route.prefix]);
            expect(shown, `${local.router} ${route.prefix}`).toContain(`dev ${local.interface}`);
          }
          expect(await run('ip', ['-n', routerNs, '-o', 'link', 'show', 'dev', local.interface])).toContain(
            `mtu ${model.mtu.tunnel}`,
          );
        }
      }
    });

    it('carries pings between the servers of the two sites, both ways', async () => {
      const pairs = [
        ['srv-east', '10.2.0.10'],
        ['srv-west', '10.1.0.10'],
      ] as const;
      for (const [server, target] of pairs) {
        const output = await inside(ns[server]!, 'ping', ['-c', '3', '-i', '0.2', '-W', '2', target]);
        expect(output, `${server} -> ${target}`).toMatch(/3 packets transmitted, 3 received/);
        // Routed, not bridged: the reply (sent with TTL 64) crossed both site routers.
        expect(output).toMatch(/ttl=62/);
      }
    });

    it('keeps LAN source addresses through the tunnel (masquerade only out of the WAN)', async () => {
      const script = [
        'import socket',
        "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('10.2.0.10', 8080)); s.listen(1)",
        'c, peer = s.accept(); c.sendall(peer[0].encode()); c.close()',
      ].join('\n');
      const server = spawn('ip', ['netns', 'exec', ns['srv-west']!, 'python3', '-c', script], {
        stdio: 'ignore',
      });
      processes.push(server);
      const seen = await waitFor('the TCP listener on srv-west', 5_000, async () =>
        inside(ns['srv-east']!, 'python3', [
          '-c',
          "import socket; s = socket.create_connection(('10.2.0.10', 8080), timeout=2); print(s.recv(64).decode())",
        ]),
      );
      expect(seen.trim()).toBe('10.1.0.10');
    });

    it('drops what the WAN filter does not admit, while the LAN side reaches the same port', async () => {
      // A listener on the east router; the underlay gets an address of its own to knock from.
      await run('ip', ['-n', ns.underlay!, 'addr', 'add', '100.64.0.254/24', 'dev', 'br0']);
      const listener = [
        'import socket',
        "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('0.0.0.0', 8081)); s.listen(8)",
        'while True:',
        '    c, _ = s.accept(); c.sendall(b"open"); c.close()',
      ].join('\n');
      processes.push(
        spawn('ip', ['netns', 'exec', ns['rt-east']!, 'python3', '-c', listener], { stdio: 'ignore' }),
      );
      const knock = (from: string, address: string) =>
        inside(from, 'python3', [
          '-c',
          `import socket\ntry:\n    print(socket.create_connection(('${address}', 8081), timeout=1).recv(8).decode())\nexcept OSError as e:\n    print(type(e).__name__)`,
        ]);
      expect(
        await waitFor('the listener on rt-east', 5_000, async () => {
          const answer = (await knock(ns['srv-east']!, '10.1.0.1')).trim();
          return answer === 'open' ? answer : null;
        }),
      ).toBe('open');
      expect((await knock(ns.underlay!, '100.64.0.1')).trim()).toMatch(/^(TimeoutError|timeout)$/);
      expect(await inside(ns.underlay!, 'ping', ['-c', '1', '-W', '2', '100.64.0.1'])).toMatch(/1 received/);
    });
  });
}
