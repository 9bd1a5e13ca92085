// geostage synth: write a synthetic environment of any size, valid and deterministic, to try
// geostage (and benchmark it) at scale.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { repositoryEnvironment } from '@geostage/environment';
import { type ReleaseLine, SYNTH_LIMITS, synthYaml } from '@geostage/schema';
import { type Command, EXIT, positiveInteger, UsageError } from '../command.ts';
import { repositoryRoot } from '../environment.ts';

const RELEASES: readonly string[] = ['1.2', '1.3', '1.4', '1.5'];

export const synth: Command = {
  name: 'synth',
  summary: 'write a synthetic environment of any size (to try geostage at scale)',
  help: `Usage: geostage synth <env> --sites N [--servers N] [--policy hub-and-spoke|full-mesh]
                      [--hubs N] [--nat SHARE] [--releases LINE,...] [--os vyos|linux] [--no-locations] [--force]

Writes environments/<env>/topology.yaml: N sites, each with one VyOS router, one LAN and the
servers, tunnels by the policy, a Kubernetes cluster (one load balancer, three control planes,
workers) and one application. The same options always give the same file. Then run
geostage generate <env>, geostage reach <env>, and so on, as for any environment.

Options:
  --sites N            the number of sites (1 to ${SYNTH_LIMITS.sites}).
  --servers N          servers per site (1 to ${SYNTH_LIMITS.serversPerSite}, default 10).
  --policy P           hub-and-spoke (default) or full-mesh.
  --hubs N             hub sites for hub-and-spoke, the first N (default 1).
  --nat SHARE          the share of spoke sites behind NAT, 0 to 1 (default 0).
  --releases LINES     VyOS release lines given to the sites in turn (default 1.4), e.g. 1.3,1.4,1.5.
  --os vyos|linux      the routers' OS (default vyos); linux routers have no release line.
  --no-locations       no coordinates (by default the sites lie on a spiral over the globe).
  --force              overwrite an existing topology.yaml.
  -h, --help           show this help.

Exit codes: 0 written, 1 the topology exists (use --force) or the options do not fit, 2 usage error,
3 the folder could not be written (the reason is printed).`,
  options: {
    sites: { type: 'string' },
    servers: { type: 'string', default: '10' },
    policy: { type: 'string', default: 'hub-and-spoke' },
    hubs: { type: 'string', default: '1' },
    nat: { type: 'string', default: '0' },
    releases: { type: 'string', default: '1.4' },
    os: { type: 'string', default: 'vyos' },
    'no-locations': { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
  },
  async run({ values, positionals, io }) {
    if (positionals.length !== 1) throw new UsageError('name one environment to write');
    if (values.sites === undefined) throw new UsageError('--sites is required');
    const policy = values.policy;
    if (policy !== 'hub-and-spoke' && policy !== 'full-mesh')
      throw new UsageError(`--policy must be hub-and-spoke or full-mesh, not "${String(policy)}"`);
    const natShare = Number(values.nat);
    if (!Number.isFinite(natShare))
      throw new UsageError(`--nat must be a number from 0 to 1, not "${String(values.nat)}"`);
    const releases = String(values.releases).split(',');
    const unknown = releases.find((line) => !RELEASES.includes(line));
    if (unknown !== undefined)
      throw new UsageError(`--releases takes ${RELEASES.join(', ')}, not "${unknown}"`);
    const os = values.os;
    if (os !== 'vyos' && os !== 'linux')
      throw new UsageError(`--os must be vyos or linux, not "${String(os)}"`);
    const name = positionals[0]!;
    const result = synthYaml({
      os,
      name,
      sites: positiveInteger(values, 'sites'),
      serversPerSite: positiveInteger(values, 'servers'),
      policy,
      hubs: positiveInteger(values, 'hubs'),
      natShare,
      releases: releases as ReleaseLine[],
      locations: values['no-locations'] !== true,
    });
    if (!result.ok) {
      io.err(`geostage synth: ${result.error.message}\n`);
      return EXIT.invalid;
    }
    const paths = repositoryEnvironment(repositoryRoot(io.cwd), name);
    const shown = relative(io.cwd, paths.topology) || paths.topology;
    if (existsSync(paths.topology) && values.force !== true) {
      io.err(`geostage synth: ${shown} exists; use --force to overwrite it\n`);
      return EXIT.invalid;
    }
    await mkdir(paths.folder, { recursive: true });
    await writeFile(paths.topology, result.text);
    io.out(`${shown}: written (${result.text.length} bytes); next: geostage generate ${name}\n`);
    return EXIT.ok;
  },
};
