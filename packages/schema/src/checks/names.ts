// Names that must be unique: sites, hosts (routers and servers share one namespace, since both
// become DNS names and inventory entries), segments within a site, applications, ports; site ids.
import type { YamlPath } from '../positions.ts';
import { type Check, error, type Finding, repeats } from './finding.ts';

export const checkNames: Check = ({ topology, where }) => {
  const findings: Finding[] = [];
  const duplicate = (path: YamlPath, what: string, name: string, firstPath: YamlPath, firstWhat: string) =>
    findings.push(
      error(
        'duplicate-name',
        path,
        `${what} name "${name}" is already used by ${firstWhat} (${where(firstPath)})`,
        `rename one of them: ${what} names must be unique`,
      ),
    );

  const sites = topology.sites;
  for (const { index, first } of repeats(sites, (site) => site.name)) {
    duplicate(['sites', index, 'name'], 'site', sites[index]!.name, ['sites', first, 'name'], 'another site');
  }

  // Routers and servers: one host namespace.
  const hosts: { name: string; path: YamlPath; what: string }[] = [
    ...sites.map((site, i) => ({
      name: site.router.name,
      path: ['sites', i, 'router', 'name'],
      what: 'router',
    })),
    ...topology.servers.map((server, i) => ({
      name: server.name,
      path: ['servers', i, 'name'],
      what: 'server',
    })),
  ];
  for (const { index, first } of repeats(hosts, (host) => host.name)) {
    const host = hosts[index]!;
    const earlier = hosts[first]!;
    findings.push(
      error(
        'duplicate-name',
        host.path,
        `${host.what} name "${host.name}" is already used by ${earlier.what === host.what ? 'another' : 'a'} ${earlier.what} (${where(earlier.path)})`,
        'rename one of them: routers and servers share one namespace of host names',
      ),
    );
  }

  sites.forEach((site, s) => {
    for (const { index, first } of repeats(site.segments, (segment) => segment.name)) {
      duplicate(
        ['sites', s, 'segments', index, 'name'],
        'segment',
        site.segments[index]!.name,
        ['sites', s, 'segments', first, 'name'],
        `another segment of site ${site.name}`,
      );
    }
  });

  const applications = topology.applications ?? [];
  for (const { index, first } of repeats(applications, (app) => app.name)) {
    duplicate(
      ['applications', index, 'name'],
      'application',
      applications[index]!.name,
      ['applications', first, 'name'],
      'another application',
    );
  }
  applications.forEach((app, a) => {
    const ports = app.ports ?? [];
    for (const { index, first } of repeats(ports, (port) => port.name)) {
      duplicate(
        ['applications', a, 'ports', index, 'name'],
        'port',
        ports[index]!.name,
        ['applications', a, 'ports', first, 'name'],
        `another port of ${app.name}`,
      );
    }
    for (const { index, first } of repeats(ports, (port) => `${port.port}/${port.protocol ?? 'TCP'}`)) {
      const port = ports[index]!;
      findings.push(
        error(
          'duplicate-port',
          ['applications', a, 'ports', index, 'port'],
          `port ${port.port}/${port.protocol ?? 'TCP'} of ${app.name} is already declared (${where(['applications', a, 'ports', first])})`,
          'declare each port and protocol once',
        ),
      );
    }
  });

  // Site ids: explicit or positional, they number tunnels, ports and interfaces.
  const ids = sites.map((site, index) => site.id ?? index + 1);
  for (const { index, first } of repeats(ids, (id) => String(id))) {
    const site = sites[index]!;
    const earlier = sites[first]!;
    const how = (explicit: boolean) => (explicit ? 'its id' : 'its position in the list');
    findings.push(
      error(
        'duplicate-site-id',
        site.id === undefined ? ['sites', index] : ['sites', index, 'id'],
        `site ${site.name} has site id ${ids[index]} (${how(site.id !== undefined)}), already taken by site ${earlier.name} (${how(earlier.id !== undefined)}, ${where(['sites', first])})`,
        'give every site an explicit, unique id: tunnel addresses, ports and interface names derive from it',
      ),
    );
  }
  return findings;
};
