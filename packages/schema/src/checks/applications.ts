// P2P applications: they need a cluster to run on and workers to run on, a peer list needs an
// argument to carry it, and the names made from them must still be names Kubernetes takes.
import { type Check, error, type Finding, warning } from './finding.ts';

/**
 * The longest StatefulSet name: its pods carry the label controller-revision-hash =
 * `<name>-<hash of up to 10 characters>`, and a label value holds at most 63 characters.
 */
export const STATEFUL_SET_NAME_LIMIT = 52;

export const checkApplications: Check = ({ topology }) => {
  const findings: Finding[] = [];
  const applications = topology.applications ?? [];
  if (applications.length === 0) return findings;
  if (!topology.kubernetes) {
    findings.push(
      error(
        'applications-without-kubernetes',
        ['applications'],
        'applications are listed, but there is no kubernetes section to run them',
        'add a kubernetes section (at least version), or remove the applications',
      ),
    );
    return findings;
  }
  const workers = topology.servers.filter((server) => server.roles.includes('worker')).length;
  applications.forEach((app, a) => {
    const replicas = app.replicas;
    if (workers === 0 && replicas && 'perWorker' in replicas && replicas.perWorker > 0) {
      findings.push(
        warning(
          'no-workers',
          ['applications', a, 'replicas'],
          `application ${app.name} asks for ${replicas.perWorker} replica${replicas.perWorker === 1 ? '' : 's'} per worker, but no server is a worker: it gets none`,
          'give some servers the worker role, or use replicas: { perSite: N }',
        ),
      );
    }
    // gen-kubeadm names the Service and StatefulSet of each site `<application>-<site>`.
    const longest = topology.sites
      .map((site) => site.name)
      .reduce((a, b) => (b.length > a.length ? b : a), '');
    const name = `${app.name}-${longest}`;
    if (name.length > STATEFUL_SET_NAME_LIMIT) {
      findings.push(
        error(
          'application-name-too-long',
          ['applications', a, 'name'],
          `application ${app.name} at site ${longest} makes the StatefulSet name ${name}, ${name.length} characters; Kubernetes takes at most ${STATEFUL_SET_NAME_LIMIT}`,
          `shorten the application name to ${Math.max(1, STATEFUL_SET_NAME_LIMIT - longest.length - 1)} characters or the site name`,
        ),
      );
    }
    const peers = app.peers;
    if (peers?.discovery === 'static') {
      if (peers.argument === undefined) {
        findings.push(
          error(
            'peer-argument-missing',
            ['applications', a, 'peers'],
            `application ${app.name} uses static peer discovery but has no peer argument`,
            'add peers.argument with {peer} where the peer name goes, e.g. "-addnode={peer}:18444"',
          ),
        );
      } else if (!peers.argument.includes('{peer}')) {
        findings.push(
          error(
            'peer-argument-missing',
            ['applications', a, 'peers', 'argument'],
            `peer argument "${peers.argument}" of ${app.name} has no {peer} placeholder`,
            'write {peer} where each peer name goes, e.g. "-addnode={peer}:18444"',
          ),
        );
      }
    }
  });
  return findings;
};
