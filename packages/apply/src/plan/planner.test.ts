// The plans of the two example environments, from their committed generated files: the order
// an operator would see, where each file lands, and what blocks a step.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateNetwork, linuxDevicePath } from '@geostage/gen-vyos';
import { loadTopologyFile, type Model, resolve } from '@geostage/schema';
import { placeholdersIn } from '@geostage/secrets';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { blockedSteps, PHASE_NAMES, type Plan, type Step } from './plan.ts';
import { buildPlan, type PlanInput } from './planner.ts';
import { readPlanInput } from './read.ts';

const root = join(import.meta.dirname, '..', '..', '..', '..');
const KUBEADM_SECRETS = ['kubeadm/bootstrap-token', 'kubeadm/ca-cert-hash', 'kubeadm/certificate-key'];

async function environment(name: string): Promise<PlanInput & { model: Model }> {
  const source = `environments/${name}/topology.yaml`;
  const { topology } = await loadTopologyFile(join(root, source));
  const model = resolve(topology!, source);
  // Generated files from disk, but secrets decided by each test, not by this machine's folder.
  const input = await readPlanInput(join(root, 'environments', name), model);
  return { ...input, model, secrets: [] };
}

const steps = (plan: Plan) => plan.phases.flatMap((phase) => phase.steps);
const phase = (plan: Plan, name: string) => plan.phases.find((candidate) => candidate.name === name)!;
const hosts = (plan: Plan, name: string) => phase(plan, name).steps.map((step) => step.host);
const position = (plan: Plan, phaseName: string, host: string) =>
  steps(plan).findIndex((step) => step.phase === phaseName && step.host === host);
const script = (step: Step, name: string) => {
  const upload = step.uploads.find(
    (candidate) => candidate.from.kind === 'script' && candidate.from.name === name,
  );
  return upload?.from.kind === 'script' ? upload.from.content : '';
};

describe('keio-2019 plan', () => {
  let keio: PlanInput & { model: Model };
  let plan: Plan;
  beforeAll(async () => {
    keio = await environment('keio-2019');
    plan = buildPlan(keio);
  });

  it('has the phases in the order DESIGN.md gives', () => {
    expect(plan.phases.map((candidate) => candidate.name)).toEqual([...PHASE_NAMES]);
    expect(PHASE_NAMES[0]).toBe('routers');
    expect(PHASE_NAMES.at(-1)).toBe('verification');
  });

  it('loads each VyOS router its config.set with commit-confirm, confirmed over a fresh connection', () => {
    expect(hosts(plan, 'routers')).toEqual(['vyos01', 'vyos02', 'vyos03']);
    for (const step of phase(plan, 'routers').steps) {
      expect(step.access).toEqual({ via: 'underlay', address: expect.stringMatching(/^10\.4\.0\.9\d$/) });
      expect(step.uploads).toContainEqual(
        expect.objectContaining({
          from: { kind: 'generated', folder: 'network', path: `routers/${step.host}/config.set` },
          to: '/config/geostage/config.set',
        }),
      );
      const commit = script(step, 'commit.vbash').split('\n');
      expect(commit).toContain('source /opt/vyatta/etc/functions/script-template');
      const order = [
        'configure',
        'source /config/geostage/config.set',
        'commit-confirm 10 <<< y',
        'exit',
      ].map((line) => commit.indexOf(line));
      expect(order.every((index, i) => index >= 0 && (i === 0 || index > order[i - 1]!))).toBe(true);
      expect(commit).not.toContain('save');
      const confirm = script(step, 'confirm.vbash').split('\n');
      expect(confirm.indexOf('confirm')).toBeGreaterThan(confirm.indexOf('configure'));
      expect(confirm.indexOf('save')).toBeGreaterThan(confirm.indexOf('confirm'));
      expect(step.commands.map((command) => command.run)).toEqual([
        "sg vyattacfg -c '/bin/vbash /config/geostage/commit.vbash'",
        "sg vyattacfg -c '/bin/vbash /config/geostage/confirm.vbash'",
      ]);
      expect(step.commands[1]!.newConnection).toBe(true);
      expect(step.safetyNet).toMatch(/^commit-confirm 10: /);
    }
  });

  it('uploads the static keys VyOS 1.2 names in /config/auth from the secrets folder', () => {
    const vyos01 = phase(plan, 'routers').steps[0]!;
    expect(vyos01.uploads.filter((upload) => upload.from.kind === 'secret')).toEqual([
      {
        from: { kind: 'secret', name: 'openvpn/site1--site2.key' },
        to: '/config/auth/site1--site2.key',
        mode: 0o600,
        secrets: ['openvpn/site1--site2.key'],
      },
      {
        from: { kind: 'secret', name: 'openvpn/site1--site3.key' },
        to: '/config/auth/site1--site3.key',
        mode: 0o600,
        secrets: ['openvpn/site1--site3.key'],
      },
    ]);
  });

  it('writes loader scripts that bash can parse', () => {
    const folder = mkdtempSync(join(tmpdir(), 'geostage-plan-'));
    onTestFinished(() => rmSync(folder, { recursive: true, force: true }));
    for (const name of ['commit.vbash', 'confirm.vbash']) {
      writeFileSync(join(folder, name), script(phase(plan, 'routers').steps[0]!, name));
      const result = spawnSync('bash', ['-n', join(folder, name)], { encoding: 'utf8' });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    }
  });

  it('checks every tunnel from both ends before any server is touched', () => {
    const steps = phase(plan, 'tunnel-check').steps;
    // One line per router, pinging all its tunnels at once: six tunnel ends in all.
    expect(steps.every((step) => step.commands.length === 1)).toBe(true);
    const pings = steps.flatMap((step) => step.commands[0]!.run.match(/check vtun\d+ \S+ /g) ?? []);
    expect(pings).toHaveLength(6);
    expect(pings).toContain('check vtun2 10.255.0.1 ');
    const names = plan.phases.map((candidate) => candidate.name);
    expect(names.indexOf('tunnel-check')).toBeLessThan(names.indexOf('server-networking'));
    expect(plan.access.join(' ')).toContain(
      "Servers are reached by SSH at their LAN address through their own site's router as a jump host, so reaching them needs no tunnel",
    );
    // Each server through its own site's router at that router's WAN address, not through one entry router.
    const routers: Record<string, [string, string]> = {
      site1: ['vyos01', '10.4.0.90'],
      site2: ['vyos02', '10.4.0.91'],
      site3: ['vyos03', '10.4.0.92'],
    };
    for (const step of phase(plan, 'server-networking').steps) {
      const server = keio.model.servers.find((candidate) => candidate.name === step.host)!;
      const [jump, jumpAddress] = routers[server.site]!;
      expect(step.access).toEqual({ via: 'site-router', address: server.address, jump, jumpAddress });
      expect(step.uploads).toEqual([
        {
          from: { kind: 'script', name: 'netplan-try', content: expect.stringMatching(/^#!\/bin\/sh\n/) },
          to: '/usr/local/lib/geostage/netplan-try',
          mode: 0o755,
          secrets: [],
        },
        {
          from: { kind: 'generated', folder: 'network', path: `servers/${step.host}/netplan.yaml` },
          to: '/etc/netplan/60-geostage.yaml',
          mode: 0o600,
          secrets: [],
          staged: true,
        },
      ]);
      expect(step.commands.map((command) => [command.run, command.newConnection ?? false])).toEqual([
        ['/usr/local/lib/geostage/netplan-try --timeout 120 /etc/netplan/60-geostage.yaml', false],
        ['/usr/local/lib/geostage/netplan-try --confirm /etc/netplan/60-geostage.yaml', true],
      ]);
    }
  });

  it('configures HAProxy on lb before kubeadm init on master01, then master02 and master03, then the workers', () => {
    const lb = phase(plan, 'load-balancer').steps;
    expect(lb.map((step) => step.host)).toEqual(['lb']);
    expect(lb[0]!.uploads[0]).toMatchObject({ to: '/etc/haproxy/haproxy.cfg' });
    expect(lb[0]!.commands[0]!.run).toBe('haproxy -c -f /etc/haproxy/haproxy.cfg');
    expect(hosts(plan, 'first-control-plane')).toEqual(['master01']);
    expect(phase(plan, 'first-control-plane').steps[0]!.commands[0]!.run).toBe(
      'kubeadm init --config /etc/geostage/kubeadm.yaml --upload-certs',
    );
    expect(hosts(plan, 'other-control-planes')).toEqual(['master02', 'master03']);
    expect(phase(plan, 'other-control-planes').parallel).toBe(1);
    expect(hosts(plan, 'workers')).toEqual(['node01', 'node02', 'node03', 'node04']);
    expect(phase(plan, 'workers').parallel).toBe(8);
    const order = [
      position(plan, 'load-balancer', 'lb'),
      position(plan, 'first-control-plane', 'master01'),
      position(plan, 'other-control-planes', 'master02'),
      position(plan, 'other-control-planes', 'master03'),
      ...['node01', 'node02', 'node03', 'node04'].map((node) => position(plan, 'workers', node)),
    ];
    expect(order.every((index, i) => index >= 0 && (i === 0 || index > order[i - 1]!))).toBe(true);
  });

  it('lists on every kubeadm step the secrets its file names, the three kubeadm secrets in all', () => {
    const kubeadm = steps(plan).filter((step) =>
      step.uploads.some((upload) => upload.to === '/etc/geostage/kubeadm.yaml'),
    );
    expect(kubeadm).toHaveLength(7);
    const all = new Set<string>();
    for (const step of kubeadm) {
      const file = keio.cluster.find((candidate) => candidate.path === `nodes/${step.host}/kubeadm.yaml`)!;
      const names = step.secrets.map((secret) => secret.name);
      expect(names).toEqual(placeholdersIn(file.content));
      expect(names).toContain('kubeadm/bootstrap-token');
      for (const name of names) all.add(name);
    }
    expect([...all].sort()).toEqual(KUBEADM_SECRETS);
  });

  it('blocks every kubeadm step while its secrets are missing, and says how to make them', () => {
    const blocked = blockedSteps(plan);
    expect(blocked.map((step) => `${step.phase} ${step.host}`)).toEqual([
      'routers vyos01',
      'routers vyos02',
      'routers vyos03',
      'first-control-plane master01',
      'other-control-planes master02',
      'other-control-planes master03',
      'workers node01',
      'workers node02',
      'workers node03',
      'workers node04',
    ]);
    const master02 = phase(plan, 'other-control-planes').steps[0]!;
    expect(master02.blocked).toEqual(['missing secrets: kubeadm/bootstrap-token, kubeadm/certificate-key']);
    // The CA cert hash cannot exist before init; the init step makes it for the joins.
    expect(master02.secrets).toContainEqual({
      name: 'kubeadm/ca-cert-hash',
      state: 'produced',
      by: 'master01 in first-control-plane',
    });
    expect(master02.secrets).toContainEqual({
      name: 'kubeadm/bootstrap-token',
      state: 'missing',
      hint: 'kubeadm token generate > environments/keio-2019/secrets/kubeadm/bootstrap-token (mode 0600)',
    });
  });

  it('blocks nothing once the secrets exist', () => {
    const secrets = [
      ...KUBEADM_SECRETS,
      'openvpn/site1--site2.key',
      'openvpn/site1--site3.key',
      'openvpn/site2--site3.key',
    ];
    const ready = buildPlan({ ...keio, secrets });
    expect(blockedSteps(ready)).toEqual([]);
    const worker = phase(ready, 'workers').steps[0]!;
    expect(worker.secrets.every((secret) => secret.state === 'present')).toBe(true);
  });

  it('is deterministic, whatever the order of the files it is given', () => {
    const again = buildPlan({
      ...keio,
      network: [...keio.network].reverse(),
      cluster: [...keio.cluster].reverse(),
    });
    expect(JSON.stringify(again)).toBe(JSON.stringify(plan));
  });

  it('applies labels, CNI and apps with kubectl from the first control plane, in that order', () => {
    for (const name of ['labels', 'cni', 'apps']) {
      expect(hosts(plan, name)).toEqual(['master01']);
    }
    const runs = ['labels', 'cni', 'apps'].flatMap((name) =>
      phase(plan, name).steps[0]!.commands.map((command) => command.run),
    );
    expect(runs[0]).toBe(
      'kubectl --kubeconfig /etc/kubernetes/admin.conf apply --server-side --field-manager=geostage -f /etc/geostage/cluster/manifests/node-labels.yaml',
    );
    expect(runs.filter((run) => run.includes('--server-side'))).toHaveLength(runs.length - 1);
    expect(runs.at(-1)).toContain('/etc/geostage/cluster/manifests/apps/hello-world.yaml');
  });

  it('blocks a step whose generated file is missing', () => {
    const bare = buildPlan({ ...keio, network: [] });
    expect(phase(bare, 'routers').steps[0]!.blocked).toContain(
      'network/routers/vyos01/config.set is not generated: run geostage generate keio-2019',
    );
  });
});

describe('global-hub plan', () => {
  let hub: PlanInput & { model: Model };
  let plan: Plan;
  beforeAll(async () => {
    hub = await environment('global-hub');
    plan = buildPlan(hub);
  });

  it('installs the Linux router files where gen-vyos says they go', () => {
    const berlin = phase(plan, 'routers').steps.find((step) => step.host === 'rt-berlin')!;
    const generated = hub.network.filter((file) => file.path.startsWith('routers/rt-berlin/'));
    expect(berlin.uploads.map((upload) => upload.to)).toEqual(
      generated.map((file) => linuxDevicePath(file.path.slice('routers/rt-berlin/'.length))),
    );
    const to = (path: string) => berlin.uploads.find((upload) => upload.to === path);
    expect(to('/etc/openvpn/geostage/vtun1.conf')).toBeDefined();
    expect(to('/etc/nftables.conf')).toBeDefined();
    expect(to('/etc/sysctl.d/90-geostage.conf')).toBeDefined();
    expect(to('/etc/systemd/system/openvpn-geostage@.service')).toBeDefined();
    expect(to('/etc/systemd/system/geostage-tunnels.target')).toBeDefined();
    expect(to('/etc/openvpn/geostage/rt-berlin.key')).toMatchObject({
      mode: 0o600,
      secrets: ['openvpn/rt-berlin.key'],
    });
    const runs = berlin.commands.map((command) => command.run);
    expect(runs.indexOf('nft -c -f /etc/nftables.conf')).toBeLessThan(
      runs.indexOf('nft -f /etc/nftables.conf'),
    );
    expect(runs.at(-1)).toBe('systemctl restart geostage-tunnels.target');
  });

  it('reaches the router behind NAT through the hub, after the hub, with commit-confirm', () => {
    const routers = phase(plan, 'routers').steps;
    const campus = routers.at(-1)!;
    expect(campus.host).toBe('rt-campus');
    expect(campus.access).toEqual({
      via: 'vpn',
      address: '10.40.0.1',
      jump: 'hub-tokyo',
      jumpAddress: '198.51.100.10',
    });
    expect(campus.after).toEqual(['hub-tokyo']);
    expect(campus.safetyNet).toMatch(/through the tunnel this change configures/);
  });

  it('reaches a server behind the NAT router through that router, at its LAN gateway', () => {
    const servers = phase(plan, 'server-networking').steps;
    expect(servers.find((step) => step.host === 'w-campus-1')!.access).toEqual({
      via: 'site-router',
      address: '10.40.0.21',
      jump: 'rt-campus',
      jumpAddress: '10.40.0.1',
    });
    expect(servers.find((step) => step.host === 'w-berlin-1')!.access).toMatchObject({ jump: 'rt-berlin' });
    expect(plan.access).toContain(
      'Servers behind rt-campus are reached through it, so through hub-tokyo and the VPN as well.',
    );
  });

  it('uploads a VyOS 1.4 set script with an embedded key as 0600', () => {
    const tokyo = phase(plan, 'routers').steps[0]!;
    expect(tokyo.uploads.find((upload) => upload.to === '/config/geostage/config.set')).toMatchObject({
      mode: 0o600,
      secrets: ['openvpn/hub-tokyo.key.body'],
    });
  });

  it('blocks a file generated before secrets init until secrets init and generate', () => {
    const { files } = generateNetwork(hub.model);
    const stale = buildPlan({ ...hub, network: files, secrets: ['openvpn/hub-tokyo.key.body'] });
    const tokyo = phase(stale, 'routers').steps[0]!;
    expect(tokyo.blocked).toEqual([
      expect.stringMatching(
        /^network\/routers\/hub-tokyo\/config\.set still waits for public files \(ca\.crt, hub-tokyo\.crt\): run geostage secrets init global-hub, then geostage generate global-hub$/,
      ),
    ]);
  });

  it('uploads every generated file of both environments somewhere, except VyOS config.boot', async () => {
    const keio = await environment('keio-2019');
    for (const input of [hub, keio]) {
      const uploaded = new Set(
        steps(buildPlan(input)).flatMap((step) =>
          step.uploads.flatMap((upload) =>
            upload.from.kind === 'generated' ? [`${upload.from.folder}/${upload.from.path}`] : [],
          ),
        ),
      );
      // config.boot holds what config.set holds, as a whole configuration: loading it would
      // replace the router's login users and keys, so apply loads the set commands instead.
      const generated = [
        ...input.network
          .filter((file) => !file.path.endsWith('/config.boot'))
          .map((file) => `network/${file.path}`),
        ...input.cluster.map((file) => `cluster/${file.path}`),
      ];
      expect(generated.filter((path) => !uploaded.has(path))).toEqual([]);
    }
  });

  it('applies the Calico Installation after the Tigera operator', () => {
    const runs = phase(plan, 'cni').steps[0]!.commands.map((command) => command.run);
    expect(runs[0]).toMatch(
      /apply --server-side -f https:\/\/raw\.githubusercontent\.com\/projectcalico\/calico\/v[\d.]+\/manifests\/tigera-operator\.yaml$/,
    );
    expect(runs.at(-1)).toContain('-f /etc/geostage/cluster/cni/calico.yaml');
  });

  it('joins the control planes that are also workers once, as control planes', () => {
    expect(hosts(plan, 'other-control-planes').sort()).toEqual(['cp-berlin', 'cp-osaka']);
    expect(hosts(plan, 'workers')).not.toContain('cp-osaka');
    expect(hosts(plan, 'workers')).toContain('w-campus-2');
  });
});
