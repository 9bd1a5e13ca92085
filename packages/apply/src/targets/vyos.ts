// What a VyOS router's vbash run says when it failed. vbash exits 0 whatever a `set` or the
// commit did, so apply reads the output. Each string below is VyOS's own, with where it comes
// from; the unit tests hold recorded outputs of public threads that show them.

/**
 * Substrings of vbash output that mean the run failed although it exited 0:
 * - `Set failed`, `Delete failed`: vyatta-cfg functions/interpreter/vyatta-cfg-run,
 *   vyatta_cfg_validate_cmd (`${cmd^} failed`, after "Configuration path: ... [x] is not valid"
 *   or "... is ambiguous"); recorded in https://github.com/vyos/vyos.vyos/pull/358 (VyOS 1.3.8).
 * - `Commit failed` and `]] failed` (`[[interfaces openvpn vtun10]] failed`, the config section
 *   whose script refused the commit): vyatta-cfg's commit and vyos-1x's conf_mode scripts;
 *   recorded in https://github.com/vyos/vyos-1x/pull/606 and https://github.com/vyos/vyos-1x/pull/4552.
 * - `Invalid command:` and `Ambiguous command:`: vyatta-cfg-run, vyatta_cfg_run (a word the
 *   configuration mode does not know, e.g. an op-mode command in a set script); recorded in
 *   https://github.com/ansible/ansible/issues/24941 ("Invalid command: [save]") and
 *   https://github.com/Community-VyProjects/VyManager/pull/781 (a script went on and committed
 *   after "Invalid command: [configure]").
 * - `commit-confirm canceled` and `Another confirm is pending`: vyos-1x python/vyos/config_mgmt.py,
 *   ConfigMgmt.commit_confirm (then nothing is committed, or no revert timer guards the commit).
 * - `Cannot exit: configuration modified.`: vyatta-cfg-run, vyatta_config_exit (the commit did
 *   not take the changes, so the session still holds them).
 */
export const VYOS_FAIL_ON: readonly string[] = [
  'Set failed',
  'Delete failed',
  'Commit failed',
  ']] failed',
  'Invalid command:',
  'Ambiguous command:',
  'commit-confirm canceled',
  'Another confirm is pending',
  'Cannot exit: configuration modified.',
];

/** Failure lines whose reason stands on a line above them (the path, the section's message). */
const EXPLAINED = ['Set failed', 'Delete failed', ']] failed'];

export type VyosOutcome = { ok: true } | { ok: false; lines: string[] };

const failing = (line: string) => VYOS_FAIL_ON.some((text) => line.includes(text));

/**
 * Whether a vbash run of commit.vbash or confirm.vbash succeeded, from its output (stdout and
 * stderr together): the failure lines, a `Set failed` or `[[section]] failed` preceded by the
 * line that says why (`Configuration path: ... is not valid`, `Must specify "remote-host" ...`).
 */
export function vyosOutcome(output: string): VyosOutcome {
  const lines = output
    .replaceAll('\r', '')
    .split('\n')
    .map((line) => line.trim());
  const found: string[] = [];
  const add = (line: string) => {
    if (!found.includes(line)) found.push(line);
  };
  lines.forEach((line, index) => {
    if (!failing(line)) return;
    if (EXPLAINED.some((text) => line.includes(text))) {
      const reason = lines
        .slice(Math.max(0, index - 8), index)
        .reverse()
        .find((earlier) => earlier !== '');
      if (reason !== undefined && !failing(reason)) add(reason);
    }
    add(line);
  });
  return found.length === 0 ? { ok: true } : { ok: false, lines: found };
}
