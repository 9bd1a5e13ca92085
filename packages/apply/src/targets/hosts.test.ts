// The plans of the two example environments as real hosts run them, from their committed
// generated files: what each kind of host uploads and runs, in which order, over which
// connection, and which ids change when a file does.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTopologyFile, type Model, resolve } from '@geostage/schema';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Action, HostActions } from '../execute/actions.ts';
import { buildPlan, missingSecrets, type Plan, type PlanInput, readPlanInput } from '../plan/index.ts';
import { type HostAccess, type HostActionsInput, hostActions, installCommand } from './hosts.ts';

const root = join(import.meta.dirname, '..', '..', '..', '..');

/** An environment's plan with every secret present, and an inventory that follows the plan's access. */
async function environment(name: string): Promise<HostActionsInput & { model: Model; planInput: PlanInput }> {
  const source = `environments/${name}/topology.yaml`;
  const { topology } = await loadTopologyFile(join(root, source));
  const model = resolve(topology!, source);
  const read = await readPlanInput(join(root, 'environments', name), model);
  const secrets = missingSecrets(buildPlan({ ...read, secrets: [] })).map((secret) => secret.name);
  const planInput = { ...read, secrets };
  const plan = buildPlan(planInput);
  const publicFiles = new Map<string, string>();
  for (const file of read.publicFiles ?? [])
    publicFiles.set(file, await readFile(join(root, 'environments', name, 'public', file), 'utf8'));
  return {
    model,
    planInput,
    plan,
    network: read.network,
    cluster: read.cluster,
    publicFiles,
    inventory: { hosts: inventoryOf(plan) },
    kubernetesVersion: model.kubernetes?.version ?? null,
  };
}

function inventoryOf(plan: Plan): Map<string, HostAccess> {
  const hosts = new Map<string, HostAccess>();
  for (const step of plan.phases.flatMap((phase) => phase.steps)) {
    if (step.access.via === 'operator' || hosts.has(step.host)) continue;
    const vyos = step.commands.some((command) => command.kind === 'vyos-commit');
    hosts.set(step.host, {
      name: step.host,
      address: step.access.address,
      port: 22,
      user: vyos ? 'vyos' : 'root',
      jump: step.access.via === 'vpn' ? step.access.jump : null,
      platform: null,
    });
  }
  return hosts;
}

function phaseHosts(input: HostActionsInput, phase: Parameters<typeof hostActions>[0]): HostActions[] {
  const result = hostActions(phase, input);
  if (!result.ok) throw new Error(result.reason);
  return result.hosts;
}

const host = (hosts: HostActions[], name: string) => hosts.find((entry) => entry.host === name)!;
const runs = (actions: Action[]) => actions.flatMap((action) => (action.kind === 'run' ? [action] : []));
const labels = (actions: Action[]) => actions.map((action) => action.label);

describe('hostActions: keio-2019 (VyOS 1.2 routers, Ubuntu servers, kubeadm)', () => {
  let keio: Awaited<ReturnType<typeof environment>>;
  beforeAll(async () => {
    keio = await environment('keio-2019');
  });

  it('loads each VyOS router through vbash, reads its output for failures and confirms over a fresh connection', () => {
    const routers = phaseHosts(keio, 'routers');
    expect(routers.map((entry) => entry.host)).toEqual(['vyos01', 'vyos02', 'vyos03']);
    const vyos01 = host(routers, 'vyos01');
    expect(vyos01.address).toBe('10.4.0.90');
    expect(labels(vyos01.actions)).toEqual([
      'mkdir -p /config/auth /config/geostage',
      'upload /config/auth/site1--site2.key.geostage-new (0600)',
      'upload /config/auth/site1--site3.key.geostage-new (0600)',
      'upload /config/geostage/config.set.geostage-new (0644)',
      'upload /config/geostage/commit.vbash.geostage-new (0755)',
      'upload /config/geostage/confirm.vbash.geostage-new (0755)',
      'put 5 uploaded files in place (mv -f <path>.geostage-new <path>)',
      "sg vyattacfg -c '/bin/vbash /config/geostage/commit.vbash'",
      "sg vyattacfg -c '/bin/vbash /config/geostage/confirm.vbash'",
    ]);
    const [, , commit, confirm] = runs(vyos01.actions);
    expect(commit).toMatchObject({ failOn: expect.arrayContaining(['Set failed', 'Commit failed']) });
    expect(commit!.fresh).toBeUndefined();
    expect(confirm).toMatchObject({ fresh: true, failOn: expect.arrayContaining(['Commit failed']) });
    // The static key goes up as its placeholder; the runner fills it from secrets/ at upload.
    const key = vyos01.actions.find((action) =>
      action.label.startsWith('upload /config/auth/site1--site2.key'),
    );
    expect(key).toMatchObject({ content: '@secret:openvpn/site1--site2.key@\n', mode: 0o600 });
  });

  it("pings every tunnel on every apply, all of a router's tunnels in one command", () => {
    const checks = phaseHosts(keio, 'tunnel-check').flatMap((entry) => entry.actions);
    // Three routers of two tunnels each: one command per router, six pings.
    expect(checks).toHaveLength(3);
    expect(checks.every((action) => action.kind === 'run' && action.always === true)).toBe(true);
    for (const action of checks) {
      if (action.kind !== 'run') continue;
      expect(action.command.match(/check vtun\d /g)).toHaveLength(2);
      expect(action.label).toMatch(/^ping -c 3 -W 2 -w 60 at once: -I vtun\d \S+, -I vtun\d \S+$/);
    }
  });

  it('tries each server netplan file with geostage netplan-try and accepts it over a fresh connection', () => {
    const servers = phaseHosts(keio, 'server-networking');
    expect(servers).toHaveLength(8);
    for (const server of servers) {
      expect(labels(server.actions)).toEqual([
        'mkdir -p /etc/netplan /usr/local/lib/geostage',
        'upload /usr/local/lib/geostage/netplan-try.geostage-new (0755)',
        'upload /etc/netplan/60-geostage.yaml.geostage-new (0600)',
        'put 1 uploaded file in place (mv -f <path>.geostage-new <path>)',
        '/usr/local/lib/geostage/netplan-try --timeout 120 /etc/netplan/60-geostage.yaml',
        '/usr/local/lib/geostage/netplan-try --confirm /etc/netplan/60-geostage.yaml',
      ]);
      const [, install, attempt, confirm] = runs(server.actions);
      // The netplan file stays staged: netplan-try keeps the previous one before it moves it.
      expect(install!.command).not.toContain('60-geostage.yaml');
      expect(attempt).toMatchObject({ always: true });
      expect(attempt!.fresh).toBeUndefined();
      expect(confirm).toMatchObject({ fresh: true });
      expect(confirm!.always).toBeUndefined();
    }
    const netplan = host(servers, 'master01').actions.find((action) =>
      action.label.startsWith('upload /etc/netplan/'),
    );
    expect(netplan).toMatchObject({ content: expect.stringContaining('192.168.10.101/24') });
  });

  it('checks HAProxy before it reloads it on the load balancer', () => {
    const [lb] = phaseHosts(keio, 'load-balancer');
    expect(lb!.host).toBe('lb');
    expect(labels(lb!.actions)).toEqual([
      'mkdir -p /etc/haproxy',
      'upload /etc/haproxy/haproxy.cfg.geostage-new (0644)',
      'put 1 uploaded file in place (mv -f <path>.geostage-new <path>)',
      'haproxy -c -f /etc/haproxy/haproxy.cfg',
      'systemctl enable haproxy.service',
      'systemctl reload-or-restart haproxy.service',
    ]);
  });

  it('starts each kubeadm phase with a check that names what to install, and captures the CA hash after init', () => {
    const [first] = phaseHosts(keio, 'first-control-plane');
    expect(first!.host).toBe('master01');
    const [check] = runs(first!.actions);
    expect(first!.actions[0]).toBe(check);
    expect(check!.label).toBe('check that kubeadm is installed');
    const stderr = spawnSync('/bin/sh', ['-c', check!.command], {
      encoding: 'utf8',
      env: { PATH: '/nonexistent' },
    });
    expect(stderr.status).toBe(1);
    expect(stderr.stderr.trim()).toBe(
      `kubeadm is not installed on master01: install containerd, kubelet and kubeadm ${keio.model.kubernetes!.version}`,
    );
    const init = runs(first!.actions).find((action) => action.command.startsWith('kubeadm init'));
    const hash = runs(first!.actions).at(-1)!;
    expect(init).toBeDefined();
    expect(hash.capture).toEqual({ secret: 'kubeadm/ca-cert-hash', transform: 'sha256-hash' });
    for (const phase of ['other-control-planes', 'workers'] as const) {
      for (const node of phaseHosts(keio, phase)) {
        expect(node.actions[0]!.label).toBe('check that kubeadm is installed');
        expect(runs(node.actions).at(-1)!.command).toBe('kubeadm join --config /etc/geostage/kubeadm.yaml');
      }
    }
    const workers = hostActions('workers', keio);
    expect(workers.ok && workers.parallel).toBe(8);
    const others = hostActions('other-control-planes', keio);
    expect(others.ok && others.parallel).toBe(1);
  });

  it('runs labels, CNI and apps with kubectl on the first control plane, after a check for kubectl and admin.conf', () => {
    for (const phase of ['labels', 'cni', 'apps'] as const) {
      const [master] = phaseHosts(keio, phase);
      expect(master!.host).toBe('master01');
      expect(master!.actions[0]!.label).toBe('check that kubectl and the admin credentials are there');
      expect(runs(master!.actions).at(-1)!.command).toMatch(
        /^kubectl --kubeconfig \/etc\/kubernetes\/admin\.conf /,
      );
    }
  });

  it('waits for the nodes on the first control plane and leaves geostage verify to the operator, saying so', () => {
    const verification = hostActions('verification', keio);
    if (!verification.ok) throw new Error(verification.reason);
    expect(verification.hosts.map((entry) => entry.host)).toEqual(['master01']);
    expect(runs(verification.hosts[0]!.actions).at(-1)!.command).toContain(
      'wait --for=condition=Ready nodes',
    );
    expect(verification.skipped).toEqual([
      "geostage verify keio-2019: runs on the operator's machine, not on a host (run it after apply)",
    ]);
  });

  it('gives the same ids for the same files, and new command ids only to the host and phase whose file changed', () => {
    const ids = (input: HostActionsInput) =>
      new Map(
        phaseHosts(input, 'server-networking').map((entry) => [
          entry.host,
          entry.actions.map((action) => action.id),
        ]),
      );
    const before = ids(keio);
    expect(ids(keio)).toEqual(before);
    for (const list of before.values()) expect(new Set(list).size).toBe(list.length);
    const network = keio.network.map((file) =>
      file.path === 'servers/node01/netplan.yaml'
        ? { ...file, content: file.content.replace('1.1.1.1', '8.8.8.8') }
        : file,
    );
    const after = ids({ ...keio, plan: buildPlan({ ...keio.planInput, network }), network });
    const node01Before = before.get('node01')!;
    const node01After = after.get('node01')!;
    // Every action of node01 reruns: the try and the confirm act on the changed file, and the
    // unchanged script upload too, since the earlier run moved its staged copy in place (a rerun
    // that skipped it would find nothing to move).
    for (const [index, id] of node01After.entries()) expect(id).not.toBe(node01Before[index]);
    // ... and nothing of any other server changes.
    for (const [name, list] of before) if (name !== 'node01') expect(after.get(name)).toEqual(list);
  });

  it('refuses a host the inventory lacks, and a router whose platform differs from the rendering planned', () => {
    const hosts = new Map(keio.inventory.hosts);
    hosts.delete('vyos02');
    expect(hostActions('routers', { ...keio, inventory: { hosts } })).toEqual({
      ok: false,
      reason: 'vyos02 is not in the inventory',
    });
    const linux = new Map(keio.inventory.hosts);
    linux.set('vyos01', { ...linux.get('vyos01')!, platform: 'linux' });
    const refused = hostActions('routers', { ...keio, inventory: { hosts: linux } });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.reason).toMatch(/^vyos01: the inventory says it runs the Linux rendering/);
  });

  it('does not run a blocked step: the host says why', () => {
    const plan = buildPlan({ ...keio.planInput, secrets: [] });
    const [master] = phaseHosts({ ...keio, plan }, 'first-control-plane');
    expect(master!.actions).toEqual([]);
    expect(master!.unreachable).toBe(
      'blocked: missing secrets: kubeadm/bootstrap-token, kubeadm/certificate-key',
    );
  });
});

describe('hostActions: global-hub (VyOS 1.4/1.5 and Debian routers, one behind NAT)', () => {
  let hub: Awaited<ReturnType<typeof environment>>;
  beforeAll(async () => {
    hub = await environment('global-hub');
  });

  it('stages the Linux router files, checks the staged ruleset, puts them in place, then runs the plan commands in order', () => {
    const berlin = host(phaseHosts(hub, 'routers'), 'rt-berlin');
    const step = hub.plan.phases[0]!.steps.find((candidate) => candidate.host === 'rt-berlin')!;
    const uploads = berlin.actions.filter((action) => action.kind === 'upload');
    expect(uploads.map((action) => action.kind === 'upload' && action.to)).toEqual(
      step.uploads.map((upload) => `${upload.to}.geostage-new`),
    );
    const commands = runs(berlin.actions).map((action) => action.command);
    expect(commands[0]).toBe(
      'mkdir -p /etc /etc/openvpn/geostage /etc/sysctl.d /etc/systemd/network /etc/systemd/system',
    );
    expect(commands[1]).toBe('nft -c -f /etc/nftables.conf.geostage-new');
    expect(commands[2]).toContain('mv -f /etc/nftables.conf.geostage-new /etc/nftables.conf');
    expect(commands.slice(3)).toEqual([
      'sysctl -p /etc/sysctl.d/90-geostage.conf',
      'nft -f /etc/nftables.conf',
      'systemctl enable nftables.service',
      'systemctl enable --now systemd-networkd.service',
      'networkctl reload',
      'systemctl daemon-reload',
      'systemctl enable geostage-tunnels.target',
      'systemctl restart geostage-tunnels.target',
    ]);
    // Every upload comes before the first command that acts on the files.
    const lastUpload = berlin.actions.findLastIndex((action) => action.kind === 'upload');
    expect(berlin.actions.findIndex((action) => action.label.startsWith('nft -c'))).toBe(lastUpload + 1);
  });

  it('reaches the router behind NAT after the hub, with the VyOS flow, and a 1.4 router with its certificates embedded', () => {
    const routers = phaseHosts(hub, 'routers');
    const campus = host(routers, 'rt-campus');
    expect(campus.after).toEqual(['hub-tokyo']);
    expect(campus.address).toBe('10.40.0.1');
    expect(runs(campus.actions).at(-1)).toMatchObject({ fresh: true });
    const tokyo = host(routers, 'hub-tokyo');
    expect(labels(tokyo.actions)).toEqual([
      'mkdir -p /config/geostage',
      'upload /config/geostage/config.set.geostage-new (0600)',
      'upload /config/geostage/commit.vbash.geostage-new (0755)',
      'upload /config/geostage/confirm.vbash.geostage-new (0755)',
      'put 3 uploaded files in place (mv -f <path>.geostage-new <path>)',
      "sg vyattacfg -c '/bin/vbash /config/geostage/commit.vbash'",
      "sg vyattacfg -c '/bin/vbash /config/geostage/confirm.vbash'",
    ]);
  });

  it('runs nft -f and the tunnel restart again when only a tunnel file of that router changed', () => {
    const ids = (input: HostActionsInput) =>
      new Map(
        host(phaseHosts(input, 'routers'), 'rt-berlin').actions.map((action) => [action.label, action.id]),
      );
    const before = ids(hub);
    const network = hub.network.map((file) =>
      file.path === 'routers/rt-berlin/openvpn/vtun1.conf'
        ? { ...file, content: `${file.content}# changed\n` }
        : file,
    );
    const after = ids({ ...hub, plan: buildPlan({ ...hub.planInput, network }), network });
    for (const label of ['nft -f /etc/nftables.conf', 'systemctl restart geostage-tunnels.target'])
      expect(after.get(label)).not.toBe(before.get(label));
    // The unchanged nftables.conf is uploaded again: its staged copy was moved in place by the
    // earlier run, and the check and the move of this run need it there.
    expect(after.get('upload /etc/nftables.conf.geostage-new (0644)')).not.toBe(
      before.get('upload /etc/nftables.conf.geostage-new (0644)'),
    );
    // Another router's actions keep their ids.
    const osaka = (input: HostActionsInput) =>
      host(phaseHosts(input, 'routers'), 'rt-osaka').actions.map((action) => action.id);
    expect(osaka({ ...hub, plan: buildPlan({ ...hub.planInput, network }), network })).toEqual(osaka(hub));
  });
});

describe('installCommand', () => {
  it('moves staged files over their paths, counts a move that ran before as done, and fails when a file was never uploaded', () => {
    const folder = mkdtempSync(join(tmpdir(), 'geostage-install-'));
    onTestFinished(() => rmSync(folder, { recursive: true, force: true }));
    const [a, b] = [join(folder, 'a.conf'), join(folder, 'b.conf')];
    writeFileSync(a, 'old a\n');
    writeFileSync(`${a}.geostage-new`, 'new a\n', { mode: 0o600 });
    writeFileSync(b, 'b, moved before\n');
    const ran = spawnSync('sh', ['-c', installCommand([a, b])], { encoding: 'utf8' });
    expect(ran.status).toBe(0);
    expect(readFileSync(a, 'utf8')).toBe('new a\n');
    expect(existsSync(`${a}.geostage-new`)).toBe(false);
    expect(readFileSync(b, 'utf8')).toBe('b, moved before\n');
    const missing = join(folder, 'never.conf');
    const refused = spawnSync('sh', ['-c', installCommand([missing])], { encoding: 'utf8' });
    expect(refused.status).toBe(1);
    expect(refused.stderr.trim()).toBe(`${missing}.geostage-new is missing: it was never uploaded`);
  });
});
