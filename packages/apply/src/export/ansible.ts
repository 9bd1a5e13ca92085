// The plan as an Ansible inventory and playbook, for operators who already run their fleet with
// Ansible or AWX. Pure: the plan, the Model, the generated files and how each host is reached
// go in; files as data come out (the CLI writes them). The playbook pushes the files the plan
// uploads, to the same device paths with the same modes, and runs the same commands, phase by
// phase in the plan's order; it never holds a secret: each `@secret:<name>@` placeholder is
// filled at run time from the environment's secrets folder (the variable `geostage_secrets`).
import {
  type FileSet,
  type GeneratedFile,
  type HostAccess,
  jumpChain,
  type Model,
  type ResolvedInventory,
} from '@geostage/schema';
import { SECRET_PLACEHOLDER } from '@geostage/secrets';
import { Document, isPair, isScalar, visit } from 'yaml';
import { CA_CERT_HASH } from '../plan/cluster.ts';
import {
  type Command,
  missingSecrets,
  type Phase,
  type PhaseName,
  type Plan,
  type Step,
  type Upload,
} from '../plan/plan.ts';

export interface AnsibleExportInput {
  plan: Plan;
  model: Model;
  /** environments/<env>/generated/network, as the plan read it. */
  network: FileSet;
  /** environments/<env>/generated/cluster. */
  cluster: FileSet;
  /** The public files the plan uploads (`publicFilesOf(plan)`), name -> text. */
  publicFiles: ReadonlyMap<string, string>;
  /**
   * How each router and server is reached: the environment's inventory.yaml, or the topology's
   * defaults (resolveInventory). Its knownHosts is not read: `knownHosts` below names the file.
   */
  inventory: ResolvedInventory;
  /** environments/<env>/secrets, relative to the export folder. */
  secretsFolder: string;
  /** The known_hosts file (keyed by host name), relative to the export folder. */
  knownHosts: string;
}

export interface AnsibleExport {
  /** inventory.yaml, playbook.yaml, vars/geostage.yaml and files/ (the generated and public files). */
  files: FileSet;
  /** What the export cannot express and the operator has to do by hand. */
  warnings: string[];
}

export const ANSIBLE_INVENTORY = 'inventory.yaml';
export const ANSIBLE_PLAYBOOK = 'playbook.yaml';
export const ANSIBLE_VARS = 'vars/geostage.yaml';

/** Where a kubelet's configuration lands once kubeadm init or join has run: reruns skip them. */
const KUBELET_CONF = '/etc/kubernetes/kubelet.conf';
const KUBEADM_PHASES: readonly PhaseName[] = ['first-control-plane', 'other-control-planes', 'workers'];

/** The names of public/ files the plan uploads, which the export copies under files/public/. */
export function publicFilesOf(plan: Plan): string[] {
  const names = plan.phases.flatMap((phase) =>
    phase.steps.flatMap((step) =>
      step.uploads.flatMap((upload) => (upload.from.kind === 'public' ? [upload.from.name] : [])),
    ),
  );
  return [...new Set(names)].sort();
}

/** An Ansible group name for a site (letters, digits and underscores only). */
export function siteGroup(site: string): string {
  return `site_${site.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

export function exportAnsible(input: AnsibleExportInput): AnsibleExport {
  const warnings: string[] = [];
  for (const access of input.inventory.hosts) {
    if (access.namespace !== null)
      warnings.push(
        `${access.name} is reached from the network namespace ${access.namespace}: run ansible-playbook inside it (ip netns exec ${access.namespace} ansible-playbook ...)`,
      );
  }
  for (const secret of missingSecrets(input.plan))
    warnings.push(`secrets/${secret.name} is missing; the playbook reads it when it runs: ${secret.hint}`);
  const copied = new Map<string, GeneratedFile>();
  const playbook = playbookDocument(input, copied, warnings);
  const files: FileSet = [
    { path: ANSIBLE_INVENTORY, content: inventoryDocument(input), mode: 0o644 },
    { path: ANSIBLE_PLAYBOOK, content: playbook, mode: 0o644 },
    { path: ANSIBLE_VARS, content: varsDocument(input), mode: 0o644 },
    ...copied.values(),
  ];
  return { files: [...files].sort((a, b) => (a.path < b.path ? -1 : 1)), warnings };
}

// ---------------------------------------------------------------------------------------------
// Inventory

type Mapping = Record<string, unknown>;

/** One word for the shell that runs ssh's ProxyCommand: bare when plainly safe, else in single quotes. */
function shellWord(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A word in double quotes as Python's shlex reads it (Ansible splits ssh arguments with shlex). */
function shlexQuoted(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/** ssh options checking the host key under the geostage name, against the known_hosts file. */
function hostKeyOptions(name: string): string[] {
  return ['-o', `HostKeyAlias=${name}`, '-o', 'UserKnownHostsFile={{ geostage_known_hosts }}'];
}

/** A word for a ProxyCommand: ssh expands %-tokens before the shell reads it, so a literal % is %%. */
function proxyWord(value: string): string {
  return shellWord(value.replace(/%/g, '%%'));
}

/**
 * The ProxyCommand that reaches a host through `chain` (outermost first): `ssh -W %h:%p` to the
 * last jump, which itself goes through the ones before it by a ProxyCommand of its own, nested.
 * Each jump's key is checked under its own name like the host's.
 */
function proxyCommand(chain: readonly HostAccess[]): string {
  const jump = chain.at(-1)!;
  const before = chain.slice(0, -1);
  return [
    'ssh',
    '-W',
    '%h:%p',
    '-p',
    String(jump.port),
    '-l',
    proxyWord(jump.user),
    ...hostKeyOptions(jump.name).map((option) => (option === '-o' ? option : proxyWord(option))),
    ...(jump.identity !== null ? ['-i', proxyWord(jump.identity)] : []),
    ...(before.length > 0 ? ['-o', proxyWord(`ProxyCommand=${proxyCommand(before)}`)] : []),
    proxyWord(jump.address),
  ].join(' ');
}

/**
 * The ssh arguments for a host: its key checked under its own name, and for a host behind jump
 * hosts a ProxyCommand (rather than ProxyJump, which does not pass HostKeyAlias and
 * UserKnownHostsFile on to the jumps) that checks each jump's key the same way.
 */
function sshArguments(access: HostAccess, inventory: ResolvedInventory): string {
  const own = [
    `-o HostKeyAlias=${access.name}`,
    `-o ${shlexQuoted('UserKnownHostsFile={{ geostage_known_hosts }}')}`,
  ];
  if (access.jump === null) return own.join(' ');
  const chain = jumpChain(inventory, access.name);
  if (chain.at(-1)?.name !== access.jump)
    throw new Error(`${access.name} jumps through ${access.jump}, which the inventory does not have`);
  return [...own, `-o ${shlexQuoted(`ProxyCommand=${proxyCommand(chain)}`)}`].join(' ');
}

/** A path relative to the export as Ansible finds it from `base` (inventory_dir, playbook_dir); absolute as it is. */
function anchored(base: 'inventory_dir' | 'playbook_dir', path: string): string {
  return path.startsWith('/') ? path : `{{ ${base} }}/${path}`;
}

function hostVariables(access: HostAccess, inventory: ResolvedInventory): Mapping {
  return {
    ansible_host: access.address,
    ansible_port: access.port,
    ansible_user: access.user,
    ...(access.identity !== null ? { ansible_ssh_private_key_file: access.identity } : {}),
    ansible_ssh_common_args: sshArguments(access, inventory),
  };
}

function accessOf(input: AnsibleExportInput, name: string): HostAccess {
  const access = input.inventory.hosts.find((host) => host.name === name);
  if (!access) throw new Error(`the inventory has no entry for ${name}`);
  return access;
}

function hostMap(names: string[], value: (name: string) => unknown = () => null): Mapping {
  return Object.fromEntries(names.map((name) => [name, value(name)]));
}

function group(names: string[], value?: (name: string) => unknown): Mapping {
  return names.length === 0 ? {} : { hosts: hostMap(names, value) };
}

function inventoryDocument(input: AnsibleExportInput): string {
  const { model } = input;
  const routers = model.sites.map((site) => site.router);
  const vyos = routers.filter((router) => router.os === 'vyos').map((router) => router.name);
  const linux = routers.filter((router) => router.os !== 'vyos').map((router) => router.name);
  const withRole = (role: string) =>
    model.servers.filter((server) => server.roles.includes(role as never)).map((server) => server.name);
  const variables = (name: string) => hostVariables(accessOf(input, name), input.inventory);

  const sites: Mapping = {};
  for (const site of model.sites) {
    const name = siteGroup(site.name);
    if (name in sites) throw new Error(`two sites make the Ansible group ${name}; rename one of them`);
    const servers = model.servers.filter((server) => server.site === site.name).map((server) => server.name);
    sites[name] = { ...group([site.router.name, ...servers]), vars: { geostage_site: site.name } };
  }
  const data = {
    all: {
      vars: {
        geostage_environment: model.name,
        geostage_known_hosts: anchored('inventory_dir', input.knownHosts),
      },
      children: {
        routers: {
          children: {
            vyos_routers: { ...group(vyos, variables), vars: { ansible_network_os: 'vyos.vyos.vyos' } },
            linux_routers: group(linux, variables),
          },
        },
        servers: {
          ...group(
            model.servers.map((server) => server.name),
            variables,
          ),
          children: {
            load_balancers: group(withRole('load-balancer')),
            control_planes: group(withRole('control-plane')),
            workers: group(withRole('worker')),
          },
        },
        ...sites,
      },
    },
  };
  const document = new Document(data);
  document.commentBefore = [
    ` Generated by geostage from ${model.source} (geostage export ansible ${model.name}). Do not edit: export again.`,
    " Each host is reached as the environment's inventory says (by default routers at their WAN address, servers at",
    " their LAN address through their site's router); jump hosts by ProxyCommand, nested for a chain of them.",
    ' Host keys are checked under each geostage host name (HostKeyAlias) against geostage_known_hosts.',
  ].join('\n');
  return document.toString({ lineWidth: 0 });
}

// ---------------------------------------------------------------------------------------------
// Variables shared by every play

/**
 * `geostage_fill`: the text of `geostage_upload.file` with each secret of `geostage_upload.secrets`
 * put in place of its `@secret:<name>@`, read at run time from `geostage_secrets` the way
 * @geostage/secrets fills at upload (the file's one final line break dropped). A placeholder left
 * over fails the task, like apply's refusal to upload one.
 */
const FILL = [
  "{%- set text = namespace(value=lookup('ansible.builtin.file', geostage_upload.file, rstrip=false)) -%}",
  '{%- for name in geostage_upload.secrets -%}',
  "{%- set text.value = text.value | replace('@secret:' ~ name ~ '@', lookup('ansible.builtin.file', geostage_secrets ~ '/' ~ name, rstrip=false) | regex_replace('\\\\r?\\\\n\\\\Z', '')) -%}",
  '{%- endfor -%}',
  `{%- if text.value is search('${SECRET_PLACEHOLDER.source}') -%}`,
  "{{ geostage_unfilled_placeholder | mandatory('a @secret placeholder without its secret is left in ' ~ geostage_upload.file) }}",
  '{%- endif -%}',
  '{{ text.value }}',
].join('');

function varsDocument(input: AnsibleExportInput): string {
  const document = new Document({
    geostage_secrets: anchored('playbook_dir', input.secretsFolder),
    geostage_fill: FILL,
  });
  document.commentBefore = [
    ` Generated by geostage (geostage export ansible ${input.model.name}). Every play reads this file.`,
    " geostage_secrets: the environment's secrets folder, read on the controller at run time and never",
    ' copied here; override it with -e geostage_secrets=/path/to/secrets.',
    ' geostage_fill: a file of files/ with its @secret:<name>@ placeholders filled from geostage_secrets.',
  ].join('\n');
  return document.toString({ lineWidth: 0 });
}

// ---------------------------------------------------------------------------------------------
// Playbook

interface UploadItem {
  /** A file of the export, relative to the playbook: files/network/..., files/public/... */
  file?: string;
  /** A file of the secrets folder, uploaded as it is. */
  secret?: string;
  dest: string;
  mode: string;
  secrets: string[];
}

interface CommandItem {
  run: string;
  creates?: string;
}

interface StepData {
  folders: string[];
  uploads: UploadItem[];
  /** VyOS: the set commands loaded with vyos.vyos.vyos_config. */
  vyos?: { file: string; secrets: string[] };
  /** The commands, in runs separated by a fresh connection. */
  commands: CommandItem[][];
  /** Secrets this step writes to the secrets folder. */
  produces?: string[];
}

function mode(value: number): string {
  return value.toString(8).padStart(4, '0');
}

function dirname(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

/** Records a file the export carries and returns its path in the export. */
function carry(copied: Map<string, GeneratedFile>, path: string, content: string): string {
  copied.set(path, { path, content, mode: 0o644 });
  return path;
}

function generatedOf(input: AnsibleExportInput, folder: 'network' | 'cluster', path: string): GeneratedFile {
  const file = (folder === 'network' ? input.network : input.cluster).find(
    (candidate) => candidate.path === path,
  );
  if (!file) throw new Error(`${folder}/${path} is not generated: run geostage generate ${input.model.name}`);
  return file;
}

function uploadItem(
  input: AnsibleExportInput,
  step: Step,
  upload: Upload,
  copied: Map<string, GeneratedFile>,
): UploadItem {
  const base = { dest: upload.to, mode: mode(upload.mode) };
  const from = upload.from;
  switch (from.kind) {
    case 'secret':
      return { secret: from.name, ...base, secrets: [] };
    case 'generated': {
      const file = generatedOf(input, from.folder, from.path);
      return {
        file: carry(copied, `files/${from.folder}/${from.path}`, file.content),
        ...base,
        secrets: upload.secrets,
      };
    }
    case 'public': {
      const content = input.publicFiles.get(from.name);
      if (content === undefined)
        throw new Error(`public/${from.name} is missing: run geostage secrets init ${input.model.name}`);
      return { file: carry(copied, `files/public/${from.name}`, content), ...base, secrets: [] };
    }
    case 'script':
      return {
        file: carry(copied, `files/scripts/${step.host}/${from.name}`, from.content),
        ...base,
        secrets: [],
      };
  }
}

/** The commands of a step, split where a command wants a fresh connection. */
function commandRuns(phase: PhaseName, commands: Command[]): CommandItem[][] {
  const runs: CommandItem[][] = [[]];
  commands.forEach((command, index) => {
    if (command.newConnection && runs.at(-1)!.length > 0) runs.push([]);
    // The plan's kubeadm steps start with init or join; once it has run, kubelet.conf exists.
    const creates = KUBEADM_PHASES.includes(phase) && index === 0 ? { creates: KUBELET_CONF } : {};
    runs.at(-1)!.push({ run: command.run, ...creates });
  });
  return runs[0]!.length === 0 ? [] : runs;
}

function isVyos(input: AnsibleExportInput, phase: Phase, host: string): boolean {
  return (
    phase.name === 'routers' &&
    input.model.sites.some((site) => site.router.name === host && site.router.os === 'vyos')
  );
}

function stepData(
  input: AnsibleExportInput,
  phase: Phase,
  step: Step,
  copied: Map<string, GeneratedFile>,
): StepData {
  if (isVyos(input, phase, step.host)) {
    // The set commands go through vyos_config; the loader scripts and their vbash commands are
    // geostage's own way of doing the same, so only the /config/auth files are uploaded.
    const set = step.uploads.find((upload) => upload.from.kind === 'generated');
    const others = step.uploads.filter((upload) => upload !== set && upload.from.kind !== 'script');
    const uploads = others.map((upload) => uploadItem(input, step, upload, copied));
    const vyos = set ? uploadItem(input, step, set, copied) : undefined;
    return {
      folders: [...new Set(uploads.map((upload) => dirname(upload.dest)))].sort(),
      uploads,
      ...(vyos?.file ? { vyos: { file: vyos.file, secrets: vyos.secrets } } : {}),
      commands: [],
    };
  }
  const uploads = step.uploads.map((upload) => uploadItem(input, step, upload, copied));
  // geostage runs `netplan try` and accepts it over a fresh connection; Ansible applies, then
  // reconnects (the play's comment says so).
  const commands =
    phase.name === 'server-networking'
      ? [[{ run: 'netplan generate' }, { run: 'netplan apply' }]]
      : commandRuns(phase.name, step.commands);
  return {
    folders: [...new Set(uploads.map((upload) => dirname(upload.dest)))].sort(),
    uploads,
    commands,
    ...(step.produces.length > 0 ? { produces: step.produces } : {}),
  };
}

const STEP = 'geostage_steps[inventory_hostname]';
const BECOME = "{{ ansible_user | default('root') != 'root' }}";

function tasksOf(phase: Phase, steps: Map<string, StepData>): Mapping[] {
  const data = [...steps.values()];
  const tasks: Mapping[] = [];
  if (data.some((step) => step.uploads.length > 0)) {
    tasks.push(
      {
        name: 'make the folders the files go to',
        'ansible.builtin.file': { path: '{{ item }}', state: 'directory' },
        loop: `{{ ${STEP}.folders }}`,
        become: BECOME,
      },
      {
        name: 'upload the files (secrets filled on the controller at run time)',
        'ansible.builtin.copy': {
          src: "{{ (geostage_secrets ~ '/' ~ item.secret) if item.secret is defined else omit }}",
          content: '{{ geostage_fill if item.secret is not defined else omit }}',
          dest: '{{ item.dest }}',
          mode: '{{ item.mode }}',
        },
        vars: { geostage_upload: '{{ item }}' },
        loop: `{{ ${STEP}.uploads }}`,
        loop_control: { label: '{{ item.dest }}' },
        diff: false,
        become: BECOME,
      },
    );
  }
  if (data.some((step) => step.vyos)) {
    tasks.push({
      name: 'load the set commands into the running configuration and save it',
      'vyos.vyos.vyos_config': {
        lines: "{{ geostage_fill.splitlines() | select('match', '^(set|delete) ') | list }}",
        save: true,
        comment: `geostage export ansible ${'{{ geostage_environment }}'}`,
      },
      connection: 'ansible.netcommon.network_cli',
      vars: { geostage_upload: `{{ ${STEP}.vyos }}` },
      when: `${STEP}.vyos is defined`,
      no_log: `{{ ${STEP}.vyos.secrets | default([]) | length > 0 }}`,
    });
  }
  const runs = Math.max(0, ...data.map((step) => step.commands.length));
  for (let index = 0; index < runs; index++) {
    if (index > 0)
      tasks.push({ name: 'open a fresh connection', 'ansible.builtin.meta': 'reset_connection' });
    tasks.push({
      name: runs > 1 ? `run the plan's commands (part ${index + 1})` : "run the plan's commands",
      'ansible.builtin.shell': { cmd: '{{ item.run }}', creates: '{{ item.creates | default(omit) }}' },
      loop: `{{ ${STEP}.commands[${index}] | default([]) }}`,
      loop_control: { label: '{{ item.run }}' },
      register: 'geostage_commands',
      become: BECOME,
    });
  }
  if (phase.name === 'server-networking') {
    tasks.push(
      { name: 'reconnect at the address netplan set', 'ansible.builtin.meta': 'reset_connection' },
      {
        name: 'wait until the server answers again',
        'ansible.builtin.wait_for_connection': { timeout: 120 },
      },
    );
  }
  if (data.some((step) => step.produces?.includes(CA_CERT_HASH))) {
    tasks.push({
      name: `store the CA public key hash as secrets/${CA_CERT_HASH}, which every join checks the cluster against`,
      'ansible.builtin.copy': {
        // The plan's last command of this step prints the hash as sha256sum does: "<hex>  -".
        content: 'sha256:{{ (geostage_commands.results | last).stdout.split() | first }}\n',
        dest: `{{ geostage_secrets }}/${CA_CERT_HASH}`,
        mode: '0600',
      },
      delegate_to: 'localhost',
      become: false,
      when: `'${CA_CERT_HASH}' in (${STEP}.produces | default([]))`,
    });
  }
  return tasks;
}

/** The steps of a phase in waves: a step waits in a later play for the hosts it comes `after`. */
function waves(steps: Step[]): Step[][] {
  const level = new Map<string, number>();
  const levelOf = (step: Step): number => {
    const known = level.get(step.host);
    if (known !== undefined) return known;
    const before = steps.filter((candidate) => step.after.includes(candidate.host));
    const value = before.length === 0 ? 0 : 1 + Math.max(...before.map(levelOf));
    level.set(step.host, value);
    return value;
  };
  const depth = Math.max(...steps.map(levelOf));
  return Array.from({ length: depth + 1 }, (_, index) =>
    steps.filter((step) => levelOf(step) === index),
  ).filter((wave) => wave.length > 0);
}

function phaseComments(input: AnsibleExportInput, phase: Phase): string[] {
  const lines = [`${phase.name}: ${phase.summary}`];
  if (phase.name === 'routers' && input.model.sites.some((site) => site.router.os === 'vyos'))
    lines.push(
      'VyOS: vyos_config commits without commit-confirm. geostage apply uses commit-confirm and confirms over a',
      'fresh connection, so a change that cuts the way in reverts there; here it does not.',
    );
  if (phase.name === 'server-networking')
    lines.push(
      'geostage apply uses netplan try semantics (accepted only once a fresh connection gets through, else',
      'netplan reverts); Ansible has no such handshake, so this play applies and then reconnects.',
    );
  if (KUBEADM_PHASES.includes(phase.name))
    lines.push(`a host whose ${KUBELET_CONF} exists has joined already: kubeadm is not run again there.`);
  if (phase.parallel === 1 && phase.steps.length > 1)
    lines.push('one host at a time, in topology order (serial: 1).');
  for (const note of phase.notes) lines.push(`note: ${note}`);
  return lines;
}

function playbookDocument(
  input: AnsibleExportInput,
  copied: Map<string, GeneratedFile>,
  warnings: string[],
): string {
  const plays: Mapping[] = [];
  const comments: string[][] = [];
  let pending: string[] = [];
  for (const phase of input.plan.phases) {
    const operator = phase.steps.filter((step) => step.host === 'operator');
    for (const step of operator) {
      pending.push(
        `${phase.name}: on the operator's machine, not in this playbook: ${step.commands.map((command) => command.run).join('; ')}`,
      );
    }
    const steps = phase.steps.filter((step) => step.host !== 'operator');
    if (steps.length === 0) {
      pending.push(`${phase.name}: nothing to do (${phase.notes.join('; ') || 'no host'})`);
      continue;
    }
    for (const step of steps) {
      accessOf(input, step.host);
      // Missing secrets are read at run time (one warning for all below); anything else is for now.
      const reasons = step.blocked.filter((reason) => !reason.startsWith('missing secrets:'));
      if (reasons.length > 0) warnings.push(`${phase.name} ${step.host} is blocked: ${reasons.join('; ')}`);
    }
    const all = waves(steps);
    all.forEach((wave, index) => {
      const data = new Map(wave.map((step) => [step.host, stepData(input, phase, step, copied)]));
      const after = [...new Set(wave.flatMap((step) => step.after))];
      plays.push({
        name: `${phase.name}: ${phase.summary}${after.length > 0 ? ` (after ${after.join(', ')})` : ''}`,
        hosts: wave.map((step) => step.host),
        gather_facts: false,
        serial: phase.parallel,
        any_errors_fatal: true,
        vars_files: [ANSIBLE_VARS],
        vars: { geostage_phase: phase.name, geostage_steps: Object.fromEntries(data) },
        tasks: tasksOf(phase, data),
      });
      comments.push([...pending, ...(index === 0 ? phaseComments(input, phase) : [])]);
      pending = [];
    });
  }

  const document = new Document(plays);
  // Everything taken from the plan is data, never a template: a `{{` in it stays as it is.
  visit(document, {
    Scalar(_key, node, path) {
      if (typeof node.value !== 'string' || !/\{[{%#]/.test(node.value)) return;
      const inSteps = path.some(
        (ancestor) => isPair(ancestor) && isScalar(ancestor.key) && ancestor.key.value === 'geostage_steps',
      );
      if (inSteps) node.tag = '!unsafe';
    },
  });
  const items = (document.contents as unknown as { items: { commentBefore?: string }[] }).items;
  items.forEach((item, index) => {
    const lines = comments[index] ?? [];
    if (lines.length > 0) item.commentBefore = lines.map((line) => ` ${line}`).join('\n');
  });
  if (pending.length > 0) document.comment = pending.map((line) => ` ${line}`).join('\n');
  document.commentBefore = [
    ` Generated by geostage from ${input.model.source} (geostage export ansible ${input.model.name}). Do not edit: export again.`,
    " The files and commands of geostage's plan (geostage plan), phase by phase in the same order, one play per phase.",
    ' Secrets are read on the controller at run time from geostage_secrets (vars/geostage.yaml), never stored here.',
    ' Every play stops the whole run at the first failure (any_errors_fatal), as geostage apply stops later phases.',
    ' Run: ansible-playbook -i inventory.yaml playbook.yaml',
  ].join('\n');
  return document.toString({ lineWidth: 0 });
}
