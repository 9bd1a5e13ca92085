// The Ansible export of the two example environments, as data: which host is in which group,
// how it is reached, that the plays follow the plan's phases and carry its files and commands,
// that nothing secret is in it, and that the same input gives the same bytes.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  loadInventory,
  loadTopologyFile,
  type Model,
  type ResolvedInventory,
  resolve,
  resolveInventory,
} from '@geostage/schema';
import { placeholdersIn } from '@geostage/secrets';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, parseDocument, visit } from 'yaml';
import type { Plan } from '../plan/plan.ts';
import { buildPlan, type PlanInput } from '../plan/planner.ts';
import { readPlanInput } from '../plan/read.ts';
import { type AnsibleExportInput, exportAnsible, publicFilesOf } from './ansible.ts';

const root = join(import.meta.dirname, '..', '..', '..', '..');

interface Loaded {
  model: Model;
  input: PlanInput;
  plan: Plan;
  exportInput: AnsibleExportInput;
}

async function load(name: string): Promise<Loaded> {
  const source = `environments/${name}/topology.yaml`;
  const { topology } = await loadTopologyFile(join(root, source));
  const model = resolve(topology!, source);
  const input = { ...(await readPlanInput(join(root, 'environments', name), model)), secrets: [] };
  const plan = buildPlan(input);
  const publicFiles = new Map<string, string>();
  for (const file of publicFilesOf(plan))
    publicFiles.set(file, await readFile(join(root, 'environments', name, 'public', file), 'utf8'));
  return {
    model,
    input,
    plan,
    exportInput: {
      plan,
      model,
      network: input.network,
      cluster: input.cluster,
      publicFiles,
      inventory: resolveInventory(model, {}).inventory!,
      secretsFolder: '../../secrets',
      knownHosts: '../../known_hosts',
    },
  };
}

type Group = { hosts?: Record<string, Record<string, unknown> | null>; children?: Record<string, Group> };

/** Every group of an inventory with the hosts it holds, children included (as ansible-inventory lists them). */
function groups(inventory: { all: Group }): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const walk = (name: string, group: Group): string[] => {
    const hosts = [
      ...Object.keys(group.hosts ?? {}),
      ...Object.entries(group.children ?? {}).flatMap(([child, value]) => walk(child, value)),
    ];
    found.set(name, [...new Set([...(found.get(name) ?? []), ...hosts])]);
    return hosts;
  };
  walk('all', inventory.all);
  return found;
}

function hostVariables(inventory: { all: Group }): Map<string, Record<string, unknown>> {
  const found = new Map<string, Record<string, unknown>>();
  const walk = (group: Group) => {
    for (const [host, value] of Object.entries(group.hosts ?? {})) if (value) found.set(host, value);
    for (const child of Object.values(group.children ?? {})) walk(child);
  };
  walk(inventory.all);
  return found;
}

/** The inventory with one host changed. */
function withHost(
  inventory: ResolvedInventory,
  name: string,
  change: Partial<ResolvedInventory['hosts'][number]>,
): ResolvedInventory {
  return {
    ...inventory,
    hosts: inventory.hosts.map((host) => (host.name === name ? { ...host, ...change } : host)),
  };
}

function file(files: { path: string; content: string }[], path: string): string {
  const found = files.find((candidate) => candidate.path === path);
  if (!found) throw new Error(`no ${path} in the export`);
  return found.content;
}

interface Play {
  name: string;
  hosts: string[];
  serial: number;
  vars: { geostage_phase: string; geostage_steps: Record<string, StepData> };
  tasks: Record<string, unknown>[];
}
interface StepData {
  uploads: { file?: string; secret?: string; dest: string; mode: string; secrets: string[] }[];
  vyos?: { file: string; secrets: string[] };
  commands: { run: string; creates?: string }[][];
}

describe.each(['keio-2019', 'global-hub'])('the Ansible export of %s', (name) => {
  let loaded: Loaded;
  let files: { path: string; content: string; mode: number }[];
  let inventory: { all: Group };
  let plays: Play[];
  beforeAll(async () => {
    loaded = await load(name);
    files = exportAnsible(loaded.exportInput).files;
    inventory = parse(file(files, 'inventory.yaml'));
    plays = parse(file(files, 'playbook.yaml'));
  });

  it('groups every router and server by site and by role', () => {
    const { model } = loaded;
    const found = groups(inventory);
    const routers = model.sites.map((site) => site.router);
    expect(found.get('vyos_routers')).toEqual(routers.filter((r) => r.os === 'vyos').map((r) => r.name));
    expect(found.get('linux_routers')).toEqual(routers.filter((r) => r.os === 'linux').map((r) => r.name));
    expect(found.get('routers')?.sort()).toEqual(routers.map((r) => r.name).sort());
    expect(found.get('servers')).toEqual(model.servers.map((server) => server.name));
    const role = (wanted: string) =>
      model.servers.filter((server) => server.roles.includes(wanted as never)).map((server) => server.name);
    expect(found.get('control_planes')).toEqual(role('control-plane'));
    expect(found.get('workers')).toEqual(role('worker'));
    expect(found.get('load_balancers')).toEqual(role('load-balancer'));
    for (const site of model.sites) {
      expect(found.get(`site_${site.name.replace(/-/g, '_')}`)).toEqual([
        site.router.name,
        ...model.servers.filter((server) => server.site === site.name).map((server) => server.name),
      ]);
    }
  });

  it("reaches each host as the topology's default inventory says: routers at their WAN address, servers at their LAN address through their site's router", () => {
    const { model } = loaded;
    const variables = hostVariables(inventory);
    const entry = model.sites.find((site) => model.vpn.hubs.includes(site.name)) ?? model.sites[0]!;
    for (const site of model.sites) {
      const router = variables.get(site.router.name)!;
      const args = router.ansible_ssh_common_args as string;
      expect(args).toContain(`HostKeyAlias=${site.router.name}`);
      expect(router).toMatchObject({
        ansible_port: 22,
        ansible_user: site.router.os === 'vyos' ? 'vyos' : 'root',
      });
      if (site.router.wan.nat) {
        // Behind NAT: at its LAN gateway, through the entry router and the VPN.
        expect(router.ansible_host).toBe(site.segments[0]!.gateway);
        expect(args).toMatch(
          new RegExp(
            `ProxyCommand=ssh -W %h:%p .*HostKeyAlias=${entry.router.name} .* ${entry.router.wan.host.replaceAll('.', '\\.')}"$`,
          ),
        );
      } else {
        expect(router.ansible_host).toBe(site.router.wan.host);
        expect(args).not.toContain('ProxyCommand');
      }
    }
    for (const server of model.servers) {
      const site = model.sites.find((candidate) => candidate.name === server.site)!;
      const args = variables.get(server.name)!.ansible_ssh_common_args as string;
      expect(variables.get(server.name)).toMatchObject({
        ansible_host: server.address,
        ansible_user: 'root',
      });
      expect(args).toContain(`HostKeyAlias=${server.name}`);
      const router = site.router;
      const address = router.wan.nat ? site.segments[0]!.gateway : router.wan.host;
      expect(args).toMatch(
        new RegExp(
          `ProxyCommand=ssh -W %h:%p -p 22 -l ${router.os === 'vyos' ? 'vyos' : 'root'} .*HostKeyAlias=${router.name} .* ${address.replaceAll('.', '\\.')}"$`,
        ),
      );
      // A server behind a router behind NAT: the router's own jump nests inside.
      expect(args.includes(`HostKeyAlias=${entry.router.name}`)).toBe(
        router === entry.router || router.wan.nat,
      );
      expect(args.match(/ProxyCommand=/g)).toHaveLength(router.wan.nat ? 2 : 1);
    }
  });

  it("has one play per phase with hosts, in the plan's order, each host in the play of its step", () => {
    const phases = loaded.plan.phases.filter((phase) => phase.steps.some((step) => step.host !== 'operator'));
    const order = [...new Set(plays.map((play) => play.vars.geostage_phase))];
    expect(order).toEqual(phases.map((phase) => phase.name));
    for (const phase of phases) {
      const hosts = plays
        .filter((play) => play.vars.geostage_phase === phase.name)
        .flatMap((play) => play.hosts);
      expect(hosts).toEqual(phase.steps.filter((step) => step.host !== 'operator').map((step) => step.host));
      for (const play of plays.filter((candidate) => candidate.vars.geostage_phase === phase.name))
        expect(play.serial).toBe(phase.parallel);
    }
    expect(
      plays.filter((play) => play.vars.geostage_phase === 'other-control-planes').map((play) => play.serial),
    ).toEqual([1]);
  });

  it('uploads the files of each step to the same device paths with the same modes, and runs the same commands', () => {
    for (const phase of loaded.plan.phases) {
      for (const step of phase.steps.filter((candidate) => candidate.host !== 'operator')) {
        const play = plays.find(
          (candidate) => candidate.vars.geostage_phase === phase.name && candidate.hosts.includes(step.host),
        )!;
        const data = play.vars.geostage_steps[step.host]!;
        const vyos = loaded.model.sites.some(
          (site) => site.router.name === step.host && site.router.os === 'vyos',
        );
        if (phase.name === 'routers' && vyos) {
          const set = step.uploads.find((upload) => upload.from.kind === 'generated')!;
          expect(data.vyos).toEqual({
            file: `files/network/${(set.from as { path: string }).path}`,
            secrets: set.secrets,
          });
          expect(data.uploads.map((upload) => upload.dest)).toEqual(
            step.uploads
              .filter((upload) => upload.from.kind === 'secret' || upload.from.kind === 'public')
              .map((upload) => upload.to),
          );
          expect(data.commands).toEqual([]);
          continue;
        }
        expect(data.uploads.map((upload) => [upload.dest, upload.mode])).toEqual(
          step.uploads.map((upload) => [upload.to, upload.mode.toString(8).padStart(4, '0')]),
        );
        const runs = data.commands.flat().map((command) => command.run);
        if (phase.name === 'server-networking') expect(runs).toEqual(['netplan generate', 'netplan apply']);
        else expect(runs).toEqual(step.commands.map((command) => command.run));
      }
    }
  });

  it('loads VyOS set commands with vyos_config and saves them', () => {
    const task = plays
      .flatMap((play) => play.tasks)
      .find((candidate) => 'vyos.vyos.vyos_config' in candidate);
    expect(task).toMatchObject({
      'vyos.vyos.vyos_config': { save: true },
      connection: 'ansible.netcommon.network_cli',
    });
  });

  it('runs kubeadm init once on the first control plane and keeps its CA hash in the secrets folder', () => {
    const kubernetes = loaded.model.kubernetes!;
    const first = plays.find((play) => play.vars.geostage_phase === 'first-control-plane')!;
    expect(first.hosts).toEqual([kubernetes.firstControlPlane]);
    expect(first.vars.geostage_steps[kubernetes.firstControlPlane]!.commands[0]![0]).toEqual({
      run: expect.stringMatching(/^kubeadm init /),
      creates: '/etc/kubernetes/kubelet.conf',
    });
    const store = first.tasks.find((task) => task.delegate_to === 'localhost')!;
    expect(store['ansible.builtin.copy']).toMatchObject({
      dest: '{{ geostage_secrets }}/kubeadm/ca-cert-hash',
      mode: '0600',
    });
  });

  it('holds no secret: generated files as they are, with their placeholders, and secret files only by name', () => {
    const generated = new Map<string, string>([
      ...loaded.input.network.map((f) => [`files/network/${f.path}`, f.content] as const),
      ...loaded.input.cluster.map((f) => [`files/cluster/${f.path}`, f.content] as const),
      // The plan's own scripts (the netplan-try helper), as the plan carries them.
      ...loaded.plan.phases.flatMap((phase) =>
        phase.steps.flatMap((step) =>
          step.uploads.flatMap((upload) =>
            upload.from.kind === 'script'
              ? [[`files/scripts/${step.host}/${upload.from.name}`, upload.from.content] as const]
              : [],
          ),
        ),
      ),
    ]);
    let placeholders = 0;
    for (const exported of files.filter((candidate) => candidate.path.startsWith('files/'))) {
      if (exported.path.startsWith('files/public/')) continue;
      expect(exported.content).toBe(generated.get(exported.path));
      placeholders += placeholdersIn(exported.content).length;
    }
    expect(placeholders).toBeGreaterThan(0);
    const secretUploads = loaded.plan.phases
      .flatMap((phase) => phase.steps.flatMap((step) => step.uploads))
      .filter((upload) => upload.from.kind === 'secret');
    const carried = plays.flatMap((play) =>
      Object.values(play.vars.geostage_steps).flatMap((data) => data.uploads),
    );
    for (const upload of secretUploads) {
      expect(carried).toContainEqual(
        expect.objectContaining({
          secret: (upload.from as { name: string }).name,
          dest: upload.to,
          mode: '0600',
        }),
      );
    }
    expect(files.some((candidate) => candidate.path.includes('secrets'))).toBe(false);
  });

  it('gives the same bytes for the same input, whatever the order of the generated files', () => {
    const again = exportAnsible({
      ...loaded.exportInput,
      plan: buildPlan({
        ...loaded.input,
        network: [...loaded.input.network].reverse(),
        cluster: [...loaded.input.cluster].reverse(),
      }),
      inventory: {
        ...loaded.exportInput.inventory,
        hosts: [...loaded.exportInput.inventory.hosts].reverse(),
      },
    });
    expect(again.files).toEqual(files);
  });
});

describe('the Ansible export of plan data', () => {
  it('keeps a command with template syntax as data (!unsafe), never as a template', async () => {
    const loaded = await load('keio-2019');
    const plan = structuredClone(loaded.plan);
    const step = plan.phases.find((phase) => phase.name === 'load-balancer')!.steps[0]!;
    step.commands.push({ run: 'echo \'{{ lookup("env", "HOME") }}\'' });
    const playbook = file(exportAnsible({ ...loaded.exportInput, plan }).files, 'playbook.yaml');
    const tagged: unknown[] = [];
    visit(parseDocument(playbook), {
      Scalar(_key, node) {
        if (node.tag === '!unsafe') tagged.push(node.value);
      },
    });
    expect(tagged).toEqual([`echo '{{ lookup("env", "HOME") }}'`]);
  });

  it('says which hosts are reached from a network namespace', async () => {
    const loaded = await load('keio-2019');
    const inventory = withHost(loaded.exportInput.inventory, 'vyos01', { namespace: 'operator' });
    const { warnings } = exportAnsible({ ...loaded.exportInput, inventory });
    expect(warnings).toContain(
      'vyos01 is reached from the network namespace operator: run ansible-playbook inside it (ip netns exec operator ansible-playbook ...)',
    );
  });

  it('takes address, port, user, key and jump from an inventory.yaml, and nests a ProxyCommand per jump', async () => {
    const loaded = await load('keio-2019');
    const text = [
      'defaults: { identity: /keys/operator }',
      'hosts:',
      '  vyos01: { address: 198.51.100.7, port: 2201, user: admin }',
      '  vyos02: { jump: vyos01 }',
      '  node01: { address: 10.0.9.9, port: 2222, user: ops }',
      '',
    ].join('\n');
    const read = loadInventory(text, 'environments/keio-2019/inventory.yaml', loaded.model);
    expect(read.diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);
    const { files, warnings } = exportAnsible({ ...loaded.exportInput, inventory: read.inventory! });
    expect(warnings.filter((warning) => warning.includes('jump'))).toEqual([]);
    const variables = hostVariables(parse(file(files, 'inventory.yaml')));
    expect(variables.get('vyos01')).toMatchObject({
      ansible_host: '198.51.100.7',
      ansible_port: 2201,
      ansible_user: 'admin',
      ansible_ssh_private_key_file: '/keys/operator',
    });
    expect(variables.get('node01')).toMatchObject({
      ansible_host: '10.0.9.9',
      ansible_port: 2222,
      ansible_user: 'ops',
    });
    const vyos02 = loaded.model.sites.find((site) => site.router.name === 'vyos02')!.router;
    // vyos02 through vyos01; node01 (of vyos02's site) through vyos02, which goes through vyos01.
    expect(variables.get('vyos02')!.ansible_ssh_common_args).toBe(
      '-o HostKeyAlias=vyos02 -o "UserKnownHostsFile={{ geostage_known_hosts }}" -o "ProxyCommand=ssh -W %h:%p -p 2201 -l admin -o HostKeyAlias=vyos01 -o \'UserKnownHostsFile={{ geostage_known_hosts }}\' -i /keys/operator 198.51.100.7"',
    );
    expect(variables.get('node01')!.ansible_ssh_common_args).toBe(
      `-o HostKeyAlias=node01 -o "UserKnownHostsFile={{ geostage_known_hosts }}" -o "ProxyCommand=ssh -W %h:%p -p 22 -l vyos -o HostKeyAlias=vyos02 -o 'UserKnownHostsFile={{ geostage_known_hosts }}' -i /keys/operator -o 'ProxyCommand=ssh -W %%h:%%p -p 2201 -l admin -o HostKeyAlias=vyos01 -o '\\\\''UserKnownHostsFile={{ geostage_known_hosts }}'\\\\'' -i /keys/operator 198.51.100.7' ${vyos02.wan.host}"`,
    );
  });

  it('writes absolute secrets and known_hosts paths as they are', async () => {
    const loaded = await load('keio-2019');
    const { files } = exportAnsible({
      ...loaded.exportInput,
      secretsFolder: '/srv/keio/secrets',
      knownHosts: '/srv/keio/known_hosts',
    });
    expect(parse(file(files, 'vars/geostage.yaml')).geostage_secrets).toBe('/srv/keio/secrets');
    expect(parse(file(files, 'inventory.yaml')).all.vars.geostage_known_hosts).toBe('/srv/keio/known_hosts');
  });
});
