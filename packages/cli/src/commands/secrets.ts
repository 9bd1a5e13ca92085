// geostage secrets init <env>: create the keys and certificates the VPN authentication needs.
import { formatDiagnostic } from '@geostage/schema';
import { secretsInit } from '@geostage/secrets';
import { type Command, EXIT, UsageError } from '../command.ts';
import { loadEnvironment, repositoryRoot, selectEnvironments } from '../environment.ts';

export const secrets: Command = {
  name: 'secrets',
  summary: 'create VPN keys and certificates: secrets init <env>',
  help: `Usage: geostage secrets init <env> [--force] [--key-type ec|rsa]

Creates what the environment's VPN authentication needs:
  static-key   one OpenVPN static key per tunnel
  tls          a CA and one certificate per router (openssl)
Private halves go to environments/<env>/secrets/ (git-ignored, folder 0700, files 0600);
public halves (ca.crt, <router>.crt, fingerprints.json) to environments/<env>/public/, to be
committed so that generation stays deterministic. Existing secrets are kept; --force replaces
them (a new CA re-issues every certificate). Run geostage generate afterwards: generated files
embed public certificates and fingerprints, never private keys.

Options:
  --force              replace existing secrets.
  --key-type ec|rsa    key type of the CA and router keys (default ec, P-256).
  -h, --help           show this help.

Exit codes: 0 done, 1 invalid topology, 2 usage error, 3 a tool (openssl) failed or the
secrets folder could not be written (nothing half-made is left).`,
  options: {
    force: { type: 'boolean', default: false },
    'key-type': { type: 'string', default: 'ec' },
  },
  async run({ values, positionals, io }) {
    const [action, ...names] = positionals;
    if (action !== 'init') throw new UsageError('the only action is init: geostage secrets init <env>');
    if (names.length !== 1) throw new UsageError('name one environment: geostage secrets init <env>');
    const keyType = values['key-type'];
    if (keyType !== 'ec' && keyType !== 'rsa') throw new UsageError('--key-type must be ec or rsa');
    const root = repositoryRoot(io.cwd);
    const [name] = selectEnvironments(root, names);
    const environment = await loadEnvironment(root, name!);
    for (const diagnostic of environment.diagnostics) io.err(`${formatDiagnostic(diagnostic)}\n`);
    if (!environment.model) return EXIT.invalid;
    const result = await secretsInit(environment.paths, environment.model, {
      force: values.force === true,
      keyType,
    });
    for (const file of result.created) io.out(`created ${environment.folder}/${file}\n`);
    for (const file of result.kept) io.out(`kept    ${environment.folder}/${file}\n`);
    if (!result.ok) {
      io.err(`secrets init failed, nothing was changed: ${result.error}\n`);
      return EXIT.failure;
    }
    io.out(
      `${environment.folder}: ${result.created.length} created, ${result.kept.length} kept; now run geostage generate ${name}\n`,
    );
    return EXIT.ok;
  },
};
