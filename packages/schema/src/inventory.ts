// An inventory: how apply reaches each real host (environments/<env>/inventory.yaml, or any file
// given with --inventory). It holds no secret: keys are named by path or come from the SSH agent.
// One TypeBox definition gives the JSON Schema and the types; loadInventory checks a file like
// the topology (YAML with positions, the schema, then every name against the Model), and
// resolveInventory fills what the file leaves out from the topology: a router at its WAN address,
// a server at its LAN address through its site's router, as the thesis's operator reached them.
import { type Static, Type } from '@sinclair/typebox';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { LineCounter, parseDocument } from 'yaml';
import { error, type Finding, warning } from './checks/finding.ts';
import { suggestion } from './checks/scenario.ts';
import { compareDiagnostics, type Diagnostic, hasErrors } from './diagnostics.ts';
import { findingDiagnostic } from './load.ts';
import type { Model, ModelRouter } from './model.ts';
import { createLocator, type YamlPath } from './positions.ts';
import { schemaFindings } from './schema-errors.ts';
import { documentValue, type EmptyDocument, yamlProblems } from './yaml-problems.ts';

const EMPTY_INVENTORY: EmptyDocument = {
  code: 'inventory-empty',
  needs: 'an inventory needs defaults or hosts',
  start: 'write `hosts: {}` to reach every host as the topology says, or see packages/apply/README.md',
};

const strict = { additionalProperties: false } as const;

const Address = Type.String({
  minLength: 1,
  pattern: '^[A-Za-z0-9.:_-]+$',
  description: 'An IP address or a DNS name.',
});
const Port = Type.Integer({ minimum: 1, maximum: 65535, description: 'The SSH port.' });
const User = Type.String({
  pattern: '^[a-z_][a-z0-9_.-]*$',
  description: 'The login user. Default root, vyos on VyOS routers.',
});
const Identity = Type.String({
  minLength: 1,
  description:
    'Path of the private key file (never the key itself); relative paths are from the inventory file, ~ is your home.',
});
const Agent = Type.Boolean({ description: 'Authenticate with the SSH agent ($SSH_AUTH_SOCK).' });
const Namespace = Type.String({
  pattern: '^[A-Za-z0-9_.-]+$',
  description: 'A network namespace the TCP connection starts in (the lab uses its operator namespace).',
});

const connection = {
  user: Type.Optional(User),
  port: Type.Optional(Port),
  identity: Type.Optional(Identity),
  agent: Type.Optional(Agent),
  namespace: Type.Optional(Namespace),
};

export const InventoryHost = Type.Object(
  {
    address: Type.Optional({
      ...Address,
      description: 'Where to connect. Default: a router its WAN address, a server its LAN address.',
    }),
    ...connection,
    jump: Type.Optional(
      Type.Union([Type.String({ minLength: 1 }), Type.Null()], {
        description:
          "A host to SSH through first (a router or server of the topology). Default: a server goes through its site's router; null: straight.",
      }),
    ),
    platform: Type.Optional(
      Type.Union([Type.Literal('vyos'), Type.Literal('linux')], {
        description:
          'What the router runs. linux on a VyOS router of the topology: it runs the Linux rendering (the lab does this on its booted machines). Default: the topology.',
      }),
    ),
  },
  { ...strict, description: 'How one host is reached.' },
);

export const Inventory = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    defaults: Type.Optional(
      Type.Object(connection, { ...strict, description: 'For every host unless the host says otherwise.' }),
    ),
    knownHosts: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'The known_hosts file, relative to the inventory. Default: known_hosts beside it.',
      }),
    ),
    hosts: Type.Optional(
      Type.Record(Type.String(), InventoryHost, { description: 'Per host, by its topology name.' }),
    ),
  },
  { ...strict, description: 'How geostage apply reaches each host. Holds no secret.' },
);

export type InventoryDocument = Static<typeof Inventory>;
export type InventoryHostDocument = Static<typeof InventoryHost>;

export function inventoryJsonSchema(): Record<string, unknown> {
  const plain = JSON.parse(JSON.stringify(Inventory)) as Record<string, unknown>;
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...plain };
}

/** One host as apply reaches it, every default filled. */
export interface HostAccess {
  name: string;
  kind: 'router' | 'server';
  address: string;
  port: number;
  user: string;
  /** The private key path as written (the reader resolves it against the inventory's folder). */
  identity: string | null;
  agent: boolean;
  namespace: string | null;
  /** The host to SSH through first, or null. */
  jump: string | null;
  /** Routers: what they run (a VyOS router of the topology may run its Linux rendering). Servers: null. */
  platform: 'vyos' | 'linux' | null;
}

export interface ResolvedInventory {
  /** Every router and server of the Model, in topology order (routers first). */
  hosts: HostAccess[];
  /** As written, relative to the inventory file; known_hosts when left out. */
  knownHosts: string;
}

export interface InventoryLoadResult {
  /** Null when there is any error. */
  inventory: ResolvedInventory | null;
  diagnostics: Diagnostic[];
}

let validator: ValidateFunction | undefined;

function validate(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: false });
    validator = ajv.compile(inventoryJsonSchema());
  }
  return validator;
}

/** The router a NATed router's first way in goes through when the inventory gives none. */
function entryRouterOf(model: Model): ModelRouter | undefined {
  const hub = model.sites.find((site) => model.vpn.hubs.includes(site.name));
  return (hub ?? model.sites.find((site) => !site.router.wan.nat))?.router;
}

/**
 * Pure: the Model and the inventory as written in, every host with its defaults out (or the
 * findings that stop it). A router is reached at its WAN address; one behind NAT at its LAN
 * gateway through the entry router (which works only once its tunnel is up: a warning asks for a
 * way in for the first configuration). A server is reached at its LAN address through its site's
 * router.
 */
export function resolveInventory(
  model: Model,
  document: InventoryDocument,
): { inventory: ResolvedInventory | null; findings: Finding[] } {
  const findings: Finding[] = [];
  const written = document.hosts ?? {};
  const defaults = document.defaults ?? {};
  const routers = model.sites.map((site) => site.router);
  const names = [...routers.map((router) => router.name), ...model.servers.map((server) => server.name)];
  for (const name of Object.keys(written)) {
    if (!names.includes(name))
      findings.push({
        ...error(
          'inventory-unknown-host',
          ['hosts', name],
          `${model.name} has no router or server "${name}"`,
          `${suggestion(name, names)}hosts of ${model.name}: ${names.join(', ')}`,
        ),
        key: true,
      });
  }
  const common = (host: InventoryHostDocument, fallbackUser: string) => {
    const identity = host.identity ?? defaults.identity ?? null;
    const agent = host.agent ?? defaults.agent ?? false;
    return {
      port: host.port ?? defaults.port ?? 22,
      user: host.user ?? defaults.user ?? fallbackUser,
      identity,
      agent,
      namespace: host.namespace ?? defaults.namespace ?? null,
    };
  };
  const entry = entryRouterOf(model);
  const hosts: HostAccess[] = [];
  for (const router of routers) {
    const host = written[router.name] ?? {};
    const platform = host.platform ?? (router.os === 'vyos' ? 'vyos' : 'linux');
    if (router.os === 'linux' && host.platform === 'vyos')
      findings.push(
        error(
          'inventory-platform',
          ['hosts', router.name, 'platform'],
          `${router.name} is a Linux router in the topology; it cannot run VyOS's rendering`,
          'leave platform out, or change the router in topology.yaml',
        ),
      );
    const natted = router.wan.nat && host.address === undefined;
    const gateway = model.sites.find((site) => site.name === router.site)?.segments[0]?.gateway;
    if (natted)
      findings.push(
        warning(
          'inventory-nat-default',
          written[router.name] ? ['hosts', router.name] : [],
          `${router.name} is behind NAT: by default it is reached at its LAN gateway through ${entry?.name ?? 'the entry router'} and the VPN, which works only once its tunnel is up`,
          `for its first configuration give hosts.${router.name}.address and port of a way in (a port forward on the site's NAT)`,
        ),
      );
    hosts.push({
      name: router.name,
      kind: 'router',
      address: host.address ?? (natted && gateway ? gateway : router.wan.host),
      jump: host.jump !== undefined ? host.jump : natted && entry ? entry.name : null,
      platform,
      ...common(host, platform === 'vyos' ? 'vyos' : 'root'),
    });
  }
  for (const server of model.servers) {
    const host = written[server.name] ?? {};
    if (host.platform !== undefined)
      findings.push(
        error(
          'inventory-platform',
          ['hosts', server.name, 'platform'],
          `${server.name} is a server; platform is for routers`,
          'remove platform',
        ),
      );
    const router = model.sites.find((site) => site.name === server.site)?.router;
    hosts.push({
      name: server.name,
      kind: 'server',
      address: host.address ?? server.address,
      jump: host.jump !== undefined ? host.jump : (router?.name ?? null),
      platform: null,
      ...common(host, 'root'),
    });
  }
  findings.push(...jumpFindings(hosts, written));
  for (const host of hosts) {
    const path: YamlPath = written[host.name] ? ['hosts', host.name] : ['defaults'];
    if (host.identity && host.agent)
      findings.push(
        error(
          'inventory-identity-and-agent',
          path,
          `${host.name} names both a key file and the agent`,
          'keep one: identity (a key file) or agent: true',
        ),
      );
  }
  if (findings.some((finding) => finding.severity === 'error')) return { inventory: null, findings };
  return { inventory: { hosts, knownHosts: document.knownHosts ?? 'known_hosts' }, findings };
}

/** Every jump names a host of the inventory, and following jumps never comes back to where it started. */
function jumpFindings(
  hosts: readonly HostAccess[],
  written: Record<string, InventoryHostDocument>,
): Finding[] {
  const findings: Finding[] = [];
  const byName = new Map(hosts.map((host) => [host.name, host]));
  for (const host of hosts) {
    if (host.jump === null) continue;
    const path: YamlPath = written[host.name]?.jump !== undefined ? ['hosts', host.name, 'jump'] : [];
    if (!byName.has(host.jump)) {
      findings.push(
        error(
          'inventory-unknown-jump',
          path,
          `${host.name} jumps through "${host.jump}", which is no host of the topology`,
          `${suggestion(host.jump, [...byName.keys()])}name a router or server, or null for a straight connection`,
        ),
      );
      continue;
    }
    const seen = [host.name];
    for (let at = byName.get(host.jump); at; at = at.jump ? byName.get(at.jump) : undefined) {
      if (seen.includes(at.name)) {
        findings.push(
          error(
            'inventory-jump-loop',
            path,
            `${host.name}'s jumps go round: ${[...seen, at.name].join(' -> ')}`,
            'one host of the chain must be reached straight (jump: null)',
          ),
        );
        break;
      }
      seen.push(at.name);
    }
  }
  return findings;
}

/** The hosts to pass through to reach `name`, outermost first (empty for a straight connection). */
export function jumpChain(inventory: ResolvedInventory, name: string): HostAccess[] {
  const byName = new Map(inventory.hosts.map((host) => [host.name, host]));
  const chain: HostAccess[] = [];
  for (let at = byName.get(name)?.jump; at; at = byName.get(at)?.jump ?? null) {
    const host = byName.get(at);
    if (!host || chain.includes(host)) break;
    chain.unshift(host);
  }
  return chain;
}

/** YAML, schema, then every name against `model`; `file` is the name diagnostics carry. */
export function loadInventory(text: string, file: string, model: Model): InventoryLoadResult {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const yamlDiagnostics = yamlProblems(document, lineCounter, file);
  if (hasErrors(yamlDiagnostics))
    return { inventory: null, diagnostics: yamlDiagnostics.sort(compareDiagnostics) };
  const value = documentValue(document, lineCounter, text, file, EMPTY_INVENTORY);
  if (!value.ok)
    return { inventory: null, diagnostics: [...yamlDiagnostics, value.diagnostic].sort(compareDiagnostics) };
  const locator = createLocator(document, lineCounter);
  const check = validate();
  if (!check(value.data)) {
    const findings = schemaFindings(check.errors ?? [], value.data);
    return {
      inventory: null,
      diagnostics: [
        ...yamlDiagnostics,
        ...findings.map((finding) => findingDiagnostic(finding, file, locator)),
      ].sort(compareDiagnostics),
    };
  }
  const resolved = resolveInventory(model, value.data as InventoryDocument);
  const diagnostics = [
    ...yamlDiagnostics,
    ...resolved.findings.map((finding) => findingDiagnostic(finding, file, locator)),
  ].sort(compareDiagnostics);
  return { inventory: hasErrors(diagnostics) ? null : resolved.inventory, diagnostics };
}
