// geostage generate: write every environment's generated files (atomically, unchanged files untouched).
import { writeFileSet } from '@geostage/environment';
import type { Command } from '../command.ts';
import { GENERATOR_OPTIONS, runGenerators } from '../run-generators.ts';

export const generate: Command = {
  name: 'generate',
  summary: 'write environments/<env>/generated/ from the topology',
  help: `Usage: geostage generate [env ...] [--only network|cluster]

Loads each environment's topology, resolves it and writes the generated files:
  environments/<env>/generated/network/   routers (VyOS, Linux) and netplan for servers
  environments/<env>/generated/cluster/   kubeadm per node, HAProxy, CNI, labels, apps
Each folder is built beside the old one and swapped in whole, so a failed run leaves the
previous output untouched; a run killed mid-swap is finished or undone by the next one. Files
whose bytes did not change keep their timestamps. index.json lists every file with its SHA-256.
Files are written as they are made, not held in memory; on a terminal a line counts them.
With no environment named, every environment is generated.

Options:
  --only network|cluster   run one generator (nx run gen-vyos:generate uses network).
  --environment NAME       the same as naming an environment (nx run gen-vyos:generate --environment=NAME).
  -h, --help               show this help.

Exit codes: 0 generated, 1 a topology is invalid (its diagnostics are printed), 2 usage error,
3 a folder could not be written (the cause and path are printed; the previous output stays).`,
  options: GENERATOR_OPTIONS,
  run(input) {
    return runGenerators(input, async ({ folder, shown, files, source }) => {
      const result = await writeFileSet(folder, files, source);
      for (const warning of result.warnings) input.io.err(`${shown}: warning: ${warning}\n`);
      const changes = result.written.length + result.removed.length;
      return {
        ok: true,
        out: [
          `${shown}: ${result.files} files, ${changes === 0 ? 'unchanged' : `${result.written.length} written, ${result.removed.length} removed`}\n`,
        ],
      };
    });
  },
};
