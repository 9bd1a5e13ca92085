// geostage lab up|down|status <env>: the environment in network namespaces on this machine,
// with the Linux flavour of every router and real OpenVPN between them.
import { repositoryEnvironment } from '@geostage/environment';
import {
  ensureImage,
  labDown,
  labHealth,
  labUp,
  loadState,
  readLabSource,
  sourceChanges,
  staleMessage,
} from '@geostage/lab';
import { formatDiagnostic } from '@geostage/schema';
import { type Command, EXIT, UsageError } from '../command.ts';
import { loadEnvironment, repositoryRoot, selectEnvironments } from '../environment.ts';
import { interruptible, signalExit } from '../interrupt.ts';

const ACTIONS = ['up', 'down', 'status', 'image'] as const;

export const lab: Command = {
  name: 'lab',
  summary: 'build (up), inspect (status) or remove (down) the environment in network namespaces',
  help: `Usage: geostage lab up <env> [--machines] [--no-wan]
       geostage lab status <env>
       geostage lab down <env>
       geostage lab image [--rebuild]

up      Builds the environment on this machine (root, iproute2, openvpn, nftables): an
        underlay namespace whose bridge carries the routers' WAN addresses, a namespace per
        router, a NAT namespace in front of each site behind NAT, a switch namespace per site
        and a namespace per server with its netplan addresses and routes. Every router runs
        the Linux flavour of the same topology (VyOS cannot run in a namespace): the generated
        sysctl, nftables and OpenVPN files on real openvpn. Secrets come from
        environments/<env>/secrets, or when there is none, lab-only keys in .lab/keys.
        An operator namespace sits on the underlay and every router runs sshd on its WAN
        address, so that geostage apply --lab works over real SSH. Nothing touches the host's own interfaces, routes or firewall. Names start with
        gs-<hash>- and everything made is listed in environments/<env>/.lab/state.json.
        Running it again on a healthy lab does nothing; on a damaged one it repairs what it
        can (tunnels, sshd) and says what. A second lab up of the same environment while one
        runs says so and waits for nothing. SIGINT or SIGTERM rolls back what it made.
        When the topology asks for WAN emulation (wan.emulate: lab or routers), each tunnel's
        path through the underlay crosses a wire of its own with the Model's delay, jitter,
        loss and rate: netem where the kernel has it, else VDE's wirefilter (vde2). If neither
        is there, lab up fails rather than build an unemulated WAN. --no-wan builds it
        without, to compare.
        --machines boots every router and server instead as a Debian system
        (systemd-nspawn, systemd-container) in its namespace, over one image made once with
        debootstrap and cached in /var/cache/geostage/images (lab image), an overlay per
        machine. The lab then provisions only what a site admin has before geostage: the
        links, each router's WAN address and default route and its LAN gateway address,
        each server's LAN address and default route, and on a site behind NAT a port
        forward from the NAT's port 2222 to its router's sshd. Nothing generated runs:
        geostage apply <env> --inventory environments/<env>/.lab/inventory.yaml configures
        every host over SSH (from the operator namespace, servers through their router), as
        on real hosts. VyOS routers boot as their Linux rendering (platform: linux in the
        inventory). lab up --machines writes that inventory and its known_hosts.
status  Whether the lab works: every namespace, each tunnel end to end (openvpn, interface,
        routes, a ping across) and each sshd; and whether the files it was built from are
        still those on disk (else it is stale, and says what changed and what to run).
image   Builds the machine image of lab up --machines when it is missing (root;
        debootstrap bookworm from the Debian mirror, about 80 s); --rebuild builds it again.
down    Shuts down its machines and stops its openvpn and sshd processes (by pid) and deletes its namespaces,
        the operator's included (by name), then whatever else carries its name prefix or
        runs inside its namespaces, then the .lab folder; says "down" only when none remains.

Then: geostage verify <env> measures the reachability matrix from inside the servers, and
geostage apply <env> --lab configures the routers over SSH.

Options:
  --machines   (up) every router and server as a booted Debian machine, for apply --inventory.
  --no-wan     (up) no WAN emulation, whatever the topology asks.
  --rebuild    (image) build the image again even when it is cached.
  --force      (down) remove the lab by its name prefix even when its state file is corrupt.
  -h, --help   show this help.

Exit codes: 0 ok, 1 invalid topology or (status) no healthy lab, 2 usage error,
3 the lab could not be built or inspected (the reason is printed; what was made is removed).`,
  options: {
    'no-wan': { type: 'boolean' },
    force: { type: 'boolean' },
    machines: { type: 'boolean' },
    rebuild: { type: 'boolean' },
  },
  async run({ values, positionals, io }) {
    const [action, ...names] = positionals;
    if (!ACTIONS.includes(action as (typeof ACTIONS)[number]))
      throw new UsageError(`say what to do: geostage lab ${ACTIONS.join('|')} <env>`);
    if (action === 'image') {
      if (names.length > 0) throw new UsageError('lab image names no environment');
      const made = await interruptible(io, 'lab image (removing the unfinished image)', (signal) =>
        ensureImage({ progress: (line) => io.out(`${line}\n`), signal, rebuild: values.rebuild === true }),
      );
      if (!made.ok) {
        io.err(`geostage: lab image: ${made.error}\n`);
        return EXIT.failure;
      }
      io.out(`machine image ${made.path} ${made.built ? 'built' : 'is there (cached)'}\n`);
      return EXIT.ok;
    }
    if (names.length !== 1) throw new UsageError('name one environment');
    const root = repositoryRoot(io.cwd);
    const [env] = selectEnvironments(root, names);
    const folder = repositoryEnvironment(root, env!).folder;
    const progress = (line: string) => io.out(`${line}\n`);

    if (action === 'down') {
      const result = await labDown({ folder, environment: env!, force: values.force === true, progress });
      if (result.refused) {
        io.err(`geostage: lab down ${env}: ${result.refused}\n`);
        return EXIT.invalid;
      }
      const { remaining } = result;
      if (remaining.namespaces.length > 0 || remaining.pids.length > 0 || remaining.cgroups.length > 0) {
        io.err(
          `geostage: lab of ${env} is NOT down: still there: ${[...remaining.namespaces, ...remaining.pids.map((pid) => `pid ${pid}`), ...remaining.cgroups].join(', ')}\n`,
        );
        return EXIT.failure;
      }
      if (!result.found) io.out(`no lab of ${env} is up\n`);
      else
        io.out(
          `lab of ${env} is down: ${result.stopped + result.sshdStopped + result.swept.processes}${result.machinesStopped > 0 ? ` processes stopped, ${result.machinesStopped} machines shut down` : ' processes stopped'}, ${result.removed.length + result.swept.namespaces.length} namespaces removed\n`,
        );
      return EXIT.ok;
    }

    if (action === 'status') {
      const read = await loadState(folder, env!);
      if (read.kind === 'corrupt') {
        io.err(`geostage: ${read.error}\n`);
        return EXIT.invalid;
      }
      if (read.kind === 'none') {
        io.out(`no lab of ${env} is up\n`);
        return EXIT.invalid;
      }
      const { state } = read;
      const health = await labHealth(state);
      const changes = state.source ? sourceChanges(state.source, await readLabSource(folder)) : [];
      io.out(
        `lab of ${env} (${state.prefix}*, started ${state.startedAt}): ${health.healthy ? 'up' : `NOT HEALTHY: ${health.problems.join('; ')}`}\n`,
      );
      io.out(`  namespaces: ${health.namespacesPresent} of ${state.namespaces.length} present\n`);
      for (const tunnel of health.tunnels) {
        io.out(
          `  ${tunnel.problem ? 'down' : 'up  '} ${tunnel.tunnel.padEnd(24)} ${tunnel.router} ${tunnel.interface} pid ${tunnel.pid}${tunnel.problem ? ` (${tunnel.problem})` : ''}\n`,
        );
      }
      for (const router of health.sshdDown) io.out(`  down sshd of ${router}\n`);
      for (const machine of health.machines) {
        io.out(
          `  ${machine.problem ? 'down' : 'up  '} ${machine.role} ${machine.host.padEnd(12)} pid ${machine.pid ?? '-'}${machine.problem ? ` (${machine.problem})` : `, sshd ${machine.banner}`}\n`,
        );
      }
      if (changes.length > 0) io.err(`geostage: ${staleMessage(env!, changes)}\n`);
      return health.healthy && changes.length === 0 ? EXIT.ok : EXIT.invalid;
    }

    const loaded = await loadEnvironment(root, env!);
    if (!loaded.model) {
      for (const diagnostic of loaded.diagnostics) io.err(`${formatDiagnostic(diagnostic)}\n`);
      return EXIT.invalid;
    }
    const started = Date.now();
    const model = loaded.model;
    const result = await interruptible(io, `lab up ${env} (rolling back what it made)`, (signal) =>
      labUp({
        environment: env!,
        folder,
        model,
        progress,
        wan: values['no-wan'] ? 'off' : 'topology',
        machines: values.machines === true,
        signal,
      }),
    );
    if (!result.ok) {
      io.err(`geostage: lab up ${env}: ${result.error}\n`);
      return result.interrupted ? signalExit(result.interrupted) : EXIT.failure;
    }
    if (result.repaired.length > 0)
      io.out(`lab of ${env} was damaged and is repaired: ${result.repaired.join(', ')}\n`);
    for (const warning of result.warnings) io.err(`warning: ${warning}\n`);
    const { state } = result;
    const changes = state.source ? sourceChanges(state.source, await readLabSource(folder)) : [];
    if (result.alreadyUp && changes.length > 0) io.err(`warning: ${staleMessage(env!, changes)}\n`);
    if (!result.alreadyUp) {
      const rows = [
        ...state.routers.map((router) => [
          'router',
          router.name,
          router.namespace,
          `${router.wan}${router.natAddress ? ` (NAT ${router.natAddress})` : ''}`,
        ]),
        ...state.servers.map((server) => ['server', server.name, server.namespace, server.address]),
      ];
      const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
      const what =
        state.mode === 'machines'
          ? `${state.machines?.length ?? 0} booted machines`
          : `${state.processes.length / 2} tunnels`;
      io.out(
        `lab of ${env} is up in ${((Date.now() - started) / 1000).toFixed(1)} s: ${state.namespaces.length} namespaces, ${what}${state.wan?.mode === 'emulated' ? `, WAN emulated by ${state.wan.mechanism} (${state.wan.wires.length} wires)` : ''}\n`,
      );
      for (const row of rows)
        io.out(`  ${row.map((text, column) => text.padEnd(widths[column] ?? 0)).join('  ')}\n`);
      const [first, second] = state.servers;
      if (state.mode === 'machines') {
        io.out(
          `then: geostage apply ${env} --inventory environments/${env}/.lab/inventory.yaml; geostage lab down ${env}\n`,
        );
      } else {
        if (first && second) io.out(`try: ip netns exec ${first.namespace} ping -c 2 ${second.address}\n`);
        io.out(`then: geostage verify ${env}; geostage lab down ${env}\n`);
      }
    }
    return EXIT.ok;
  },
};
