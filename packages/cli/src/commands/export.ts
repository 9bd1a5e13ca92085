// geostage export ansible <env>: the plan as an Ansible inventory and playbook, written to a
// folder of its own. Reads the generated files and the public files the plan uploads; never a
// secret (the playbook reads them from the secrets folder when it runs).
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import {
  ANSIBLE_EXPORT_FOLDER,
  buildPlan,
  exportAnsible,
  publicFilesOf,
  readPlanInput,
  writeAnsibleExport,
} from '@geostage/apply';
import { checkFileSet, generateEnvironment, readHostInventory } from '@geostage/environment';
import { formatDiagnostic } from '@geostage/schema';
import { type Command, EXIT, UsageError } from '../command.ts';
import { loadEnvironment, repositoryRoot, selectEnvironments } from '../environment.ts';

const FORMATS = ['ansible'] as const;

export const exportCommand: Command = {
  name: 'export',
  summary: 'the plan for another tool: export ansible <env> (inventory and playbook)',
  help: `Usage: geostage export ansible <env> [--output DIR] [--inventory FILE]

Writes the plan (geostage plan <env>) as an Ansible inventory and playbook, for operators who
run their fleet with Ansible or AWX:
  inventory.yaml      every router and server, grouped by site (site_<site>) and by role
                      (routers, vyos_routers, linux_routers, servers, load_balancers,
                      control_planes, workers), each reached as environments/<env>/inventory.yaml
                      says (no file: routers at their WAN address, servers at their LAN address
                      through their site's router); jumps by ProxyCommand; host keys checked
                      under each host's name against the inventory's known_hosts
  playbook.yaml       one play per phase, in the plan's order: the same files to the same paths
                      and modes, the same commands (VyOS: vyos.vyos.vyos_config with save)
  vars/geostage.yaml  geostage_secrets (environments/<env>/secrets) and the fill of
                      @secret:<name>@ placeholders, done on the controller at run time
  files/              the generated and public files the playbook uploads
No secret is written: the playbook reads them when it runs (override the folder with
-e geostage_secrets=DIR). Run it with: ansible-playbook -i inventory.yaml playbook.yaml

The folder is replaced whole (built beside it, then renamed); a folder that holds anything
but an earlier export is refused and left as it is.

Options:
  --output DIR       where to write (default environments/<env>/${ANSIBLE_EXPORT_FOLDER}, git-ignored).
  --inventory FILE   how each host is reached (default environments/<env>/inventory.yaml; when
                     that is missing, the topology's defaults).
  -h, --help         show this help.

Exit codes: 0 written, 1 invalid topology or inventory, or the output folder holds other files,
2 usage error, 3 a file could not be read or written (the cause and path are printed).`,
  options: { output: { type: 'string' }, inventory: { type: 'string' } },
  async run({ values, positionals, io }) {
    const [format, ...names] = positionals;
    if (format === undefined || !(FORMATS as readonly string[]).includes(format))
      throw new UsageError(
        `the only format is ansible: geostage export ansible <env>, not "${format ?? ''}"`,
      );
    if (names.length !== 1) throw new UsageError('name one environment: geostage export ansible <env>');
    const root = repositoryRoot(io.cwd);
    const [name] = selectEnvironments(root, names);
    const environment = await loadEnvironment(root, name!);
    for (const diagnostic of environment.diagnostics) io.err(`${formatDiagnostic(diagnostic)}\n`);
    if (!environment.model) {
      io.err(`${environment.source}: invalid, nothing exported\n`);
      return EXIT.invalid;
    }
    const model = environment.model;
    const paths = environment.paths;
    const output =
      typeof values.output === 'string'
        ? resolve(io.cwd, values.output)
        : join(paths.folder, ANSIBLE_EXPORT_FOLDER);

    for (const generated of await generateEnvironment(paths, model)) {
      const drift = await checkFileSet(generated.folder, generated.files, environment.source);
      if (drift.length > 0)
        io.err(
          `${environment.folder}/generated/${generated.generator}: ${drift.length} files differ from a fresh generation; the export carries what is on disk (run geostage generate ${model.name})\n`,
        );
    }
    const given = typeof values.inventory === 'string' ? values.inventory : null;
    const inventory = await readHostInventory(given ? resolve(io.cwd, given) : paths.inventory, model, {
      missingIsDefault: given === null,
      displayPath: given ?? join(environment.folder, 'inventory.yaml'),
    });
    for (const diagnostic of inventory.diagnostics) io.err(`${formatDiagnostic(diagnostic)}\n`);
    if (!inventory.ok) {
      io.err(`${inventory.error}, nothing exported\n`);
      return EXIT.invalid;
    }

    const input = await readPlanInput(paths.folder, model);
    const plan = buildPlan(input);
    const publicFiles = new Map<string, string>();
    for (const file of publicFilesOf(plan)) {
      publicFiles.set(file, await readFile(join(paths.public, file), 'utf8'));
    }
    // Relative inside the repository (the export moves with it), absolute outside.
    const from = (target: string) => {
      const inside = !relative(root, output).startsWith('..') && !isAbsolute(relative(root, output));
      return inside ? relative(output, target) : resolve(target);
    };
    const exported = exportAnsible({
      plan,
      model,
      network: input.network,
      cluster: input.cluster,
      publicFiles,
      inventory: inventory.inventory,
      secretsFolder: from(paths.secrets),
      knownHosts: from(inventory.inventory.knownHostsPath),
    });
    const written = await writeAnsibleExport(output, exported.files, environment.source);
    const shown = relative(io.cwd, output).startsWith('..') ? output : relative(io.cwd, output) || '.';
    if (!written.ok) {
      io.err(
        `geostage export: ${shown} holds files that are not an earlier export (${written.entries.slice(0, 5).join(', ')}${written.entries.length > 5 ? ', ...' : ''}); choose another --output or empty it\n`,
      );
      return EXIT.invalid;
    }
    for (const warning of [...exported.warnings, ...written.result.warnings]) io.err(`warning: ${warning}\n`);
    const { result } = written;
    io.out(
      `${shown}: ${result.written.length} written, ${result.unchanged.length} unchanged, ${result.removed.length} removed\n` +
        `run: ansible-playbook -i ${join(shown, 'inventory.yaml')} ${join(shown, 'playbook.yaml')}\n`,
    );
    return EXIT.ok;
  },
};
