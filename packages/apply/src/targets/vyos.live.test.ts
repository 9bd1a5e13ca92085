// Against a real VyOS router, when one is named: GEOSTAGE_VYOS_HOST (address), GEOSTAGE_VYOS_USER
// (default vyos), GEOSTAGE_VYOS_KEY (private key file), GEOSTAGE_VYOS_PORT (default 22); the host
// key must already be in ~/.ssh/known_hosts. Changes nothing on the router: each script opens a
// configuration session and leaves it without a commit. It checks the premise of the VyOS path:
// vbash exits 0 after a failed `set`, and vyosOutcome finds the failure in what it printed.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { vyosOutcome } from './vyos.ts';

const host = process.env.GEOSTAGE_VYOS_HOST;
const key = process.env.GEOSTAGE_VYOS_KEY;
const user = process.env.GEOSTAGE_VYOS_USER ?? 'vyos';
const port = process.env.GEOSTAGE_VYOS_PORT ?? '22';
const configured = Boolean(host && key);
const skipped = configured
  ? ''
  : ' (SKIPPED: set GEOSTAGE_VYOS_HOST and GEOSTAGE_VYOS_KEY, and GEOSTAGE_VYOS_USER if not vyos, to run it against a VyOS router)';

if (!configured) console.info(`VyOS live test${skipped}`);

/** Runs a vbash script on the router as apply does (`sg vyattacfg -c '/bin/vbash FILE'`). */
function vbash(script: string): { code: number | null; output: string } {
  const file = `/tmp/geostage-live-${process.pid}.vbash`;
  const remote = `cat > ${file} && sg vyattacfg -c '/bin/vbash ${file}'; code=$?; rm -f ${file}; exit $code`;
  const ran = spawnSync(
    'ssh',
    [
      '-i',
      key!,
      '-p',
      port,
      '-o',
      'BatchMode=yes',
      '-o',
      'StrictHostKeyChecking=yes',
      `${user}@${host}`,
      remote,
    ],
    { input: script, encoding: 'utf8', timeout: 60_000 },
  );
  if (ran.error) throw ran.error;
  return { code: ran.status, output: `${ran.stdout}${ran.stderr}` };
}

const TEMPLATE = 'source /opt/vyatta/etc/functions/script-template\nconfigure\n';

describe('VyOS over SSH', () => {
  it.skipIf(!configured)(`exits 0 after a failed set, and vyosOutcome reports it${skipped}`, () => {
    const ran = vbash(`${TEMPLATE}set geostage-live-test-not-a-path\nexit\n`);
    expect(ran.code).toBe(0);
    const outcome = vyosOutcome(ran.output);
    expect(outcome).toEqual({
      ok: false,
      lines: ['Configuration path: [geostage-live-test-not-a-path] is not valid', 'Set failed'],
    });
  });

  it.skipIf(!configured)(`reads a session that went well as good${skipped}`, () => {
    const ran = vbash(`${TEMPLATE}show system host-name\nexit\n`);
    expect(ran.code).toBe(0);
    expect(ran.output.trim()).not.toBe('');
    expect(vyosOutcome(ran.output)).toEqual({ ok: true });
  });
});
