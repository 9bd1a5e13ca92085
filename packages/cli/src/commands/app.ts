// geostage app deploy|update|stop|status|measure <env> [app]: the P2P application on every
// node of every site from one point, on the environment's cluster or (--lab) in the lab.
import { resolve } from 'node:path';
import { APP_VERBS, isAppVerb, renderAppStatus, runApp } from '@geostage/apply';
import { repositoryEnvironment } from '@geostage/environment';
import { measurePropagation, renderPropagation } from '@geostage/measure';
import { formatDiagnostic } from '@geostage/schema';
import { type Command, EXIT, positiveInteger, UsageError } from '../command.ts';
import { loadEnvironment, repositoryRoot, selectEnvironments } from '../environment.ts';

/** The repository this geostage runs from: `{geostage}` in an application's lab command. */
const GEOSTAGE = resolve(import.meta.dirname, '..', '..', '..', '..');

export const app: Command = {
  name: 'app',
  summary: 'deploy, update, stop the P2P application on every site from one point (cluster or --lab)',
  help: `Usage: geostage app deploy|update|stop|status <env> [app] [--lab] [options]
       geostage app measure <env> [app] --lab [--messages N] [--format text|json]

The applications of the topology, as generated in generated/cluster/manifests, on every site:

  deploy   server-side apply (field manager geostage) of the manifests, geostage's label
           added; prune what geostage applied before and the topology no longer has (by that
           label only); wait for each site's StatefulSet to roll out, with progress per site.
  update   the same, one site at a time (--sites-at-once N), each waited for; stops at the
           first site that does not become ready.
  stop     scale every StatefulSet to zero, volumes kept; --delete removes the objects.
  status   ready replicas per site and application, and each replica's peers.
  measure  (--lab) publish messages of the example gossip application at the first site and
           report, per message, the delay to every replica, p50/p95 per site pair, and the
           time until every replica had it.

The cluster: the kubeconfig given with --kubeconfig, else environments/<env>/secrets/kubeconfig,
else $KUBECONFIG.

With --lab the lab stands in for the kubelet: each replica is a process in its server's
namespace (geostage lab up <env> first), running the application's lab.command from the
topology followed by the manifest's args, peers at their lab addresses. Logs:
environments/<env>/.lab/apps/<replica>/replica.log. lab down stops them too.

Options:
  --lab               in the namespace lab instead of the cluster.
  --delete            stop: remove instead of scaling to zero.
  --sites-at-once N   update: sites at once (default 1).
  --timeout SECONDS   how long a site may take to become ready (default 300).
  --kubeconfig PATH   the cluster's kubeconfig.
  --format text|json  status and measure output (default text).
  --messages N        measure: messages to publish (default 5).
  -h, --help          show this help.

Exit codes: 0 done, 1 invalid topology, no lab, unknown application or no manifests,
2 usage error, 3 a site did not become ready or the API refused (unreachable, forbidden, a
namespace that is not geostage's).`,
  options: {
    lab: { type: 'boolean', default: false },
    delete: { type: 'boolean', default: false },
    'sites-at-once': { type: 'string', default: '1' },
    timeout: { type: 'string', default: '300' },
    kubeconfig: { type: 'string' },
    format: { type: 'string', default: 'text' },
    messages: { type: 'string', default: '5' },
  },
  async run({ values, positionals, io }) {
    const [verb, env, name, ...rest] = positionals;
    if (!verb || !(isAppVerb(verb) || verb === 'measure'))
      throw new UsageError(`name what to do: ${[...APP_VERBS, 'measure'].join(', ')}`);
    if (!env || rest.length > 0) throw new UsageError('name one environment, and at most one application');
    if (values.format !== 'text' && values.format !== 'json')
      throw new UsageError(`--format must be text or json, not "${String(values.format)}"`);
    if (values.delete === true && verb !== 'stop') throw new UsageError('--delete goes with stop');
    const sitesAtOnce = positiveInteger(values, 'sites-at-once');
    const timeoutMs = positiveInteger(values, 'timeout') * 1000;
    const root = repositoryRoot(io.cwd);
    const [environment] = selectEnvironments(root, [env]);
    const loaded = await loadEnvironment(root, environment!);
    if (!loaded.model) {
      for (const diagnostic of loaded.diagnostics) io.err(`${formatDiagnostic(diagnostic)}\n`);
      return EXIT.invalid;
    }
    const folder = repositoryEnvironment(root, environment!).folder;
    if (verb === 'measure') {
      if (values.lab !== true) throw new UsageError('measure runs in the lab only: add --lab');
      const measured = await measurePropagation({
        environment: environment!,
        folder,
        ...(name ? { app: name } : {}),
        messages: positiveInteger(values, 'messages'),
        progress: (line) => io.err(`${line}\n`),
      });
      if (!measured.ok) {
        for (const error of measured.errors) io.err(`geostage: app measure ${env}: ${error}\n`);
        return measured.kind === 'no-lab' ? EXIT.invalid : EXIT.failure;
      }
      io.out(
        values.format === 'json'
          ? `${JSON.stringify(measured.report, null, 2)}\n`
          : renderPropagation(measured.report),
      );
      return EXIT.ok;
    }
    const started = Date.now();
    const quiet = verb === 'status';
    const result = await runApp({
      verb,
      environment: environment!,
      folder,
      model: loaded.model,
      ...(name ? { app: name } : {}),
      lab: values.lab === true,
      remove: values.delete === true,
      sitesAtOnce,
      timeoutMs,
      geostage: GEOSTAGE,
      ...(typeof values.kubeconfig === 'string' ? { kubeconfig: resolve(io.cwd, values.kubeconfig) } : {}),
      progress: (line) => (quiet ? io.err(`${line}\n`) : io.out(`${line}\n`)),
    });
    if (!result.ok) {
      for (const error of result.errors) io.err(`geostage: app ${verb} ${env}: ${error}\n`);
      const invalid = ['no-lab', 'unknown-app', 'no-manifests', 'lab-plan', 'no-config'].includes(
        result.kind,
      );
      return invalid ? EXIT.invalid : EXIT.failure;
    }
    if (result.status)
      io.out(
        values.format === 'json'
          ? `${JSON.stringify(result.status, null, 2)}\n`
          : renderAppStatus(result.status),
      );
    else
      io.out(
        `app ${verb} ${env}${name ? ` ${name}` : ''} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
      );
    return EXIT.ok;
  },
};
