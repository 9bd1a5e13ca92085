// geostage check: fail when committed generated files differ from a fresh generation.
import { checkFileSet } from '@geostage/environment';
import type { Command } from '../command.ts';
import { GENERATOR_OPTIONS, runGenerators } from '../run-generators.ts';

export const check: Command = {
  name: 'check',
  summary: 'fail when generated files differ from a fresh generation (drift)',
  help: `Usage: geostage check [env ...] [--only network|cluster]

Generates in memory and compares with environments/<env>/generated/. Lists every file that is
changed, missing or extra, and exits 1 if any; writes nothing. Run \`geostage generate\` (or
nx run gen-vyos:generate / gen-kubeadm:generate) and commit the result to fix drift.

Options:
  --only network|cluster   check one generator's folder.
  --environment NAME       the same as naming an environment.
  -h, --help               show this help.

Exit codes: 0 up to date, 1 drift or an invalid topology, 2 usage error, 3 a file could not be
read (the cause and path are printed).`,
  options: GENERATOR_OPTIONS,
  run(input) {
    return runGenerators(input, async ({ folder, shown, files, source }) => {
      const drift = await checkFileSet(folder, files, source);
      return {
        ok: drift.length === 0,
        out: [
          ...drift.map((entry) => `${shown}/${entry.path}: ${entry.status}\n`),
          `${shown}: ${drift.length === 0 ? 'up to date' : `${drift.length} files differ; run geostage generate`}\n`,
        ],
      };
    });
  },
};
