// vbash exits 0 whatever happened, so apply reads its output. Each failed output below is
// recorded from a public thread (its address beside it); the good one is written from vyos-1x's
// source strings, because no public thread records a script's successful commit-confirm.
import { describe, expect, it } from 'vitest';
import { VYOS_FAIL_ON, vyosOutcome } from './vyos.ts';

/** Recorded from https://github.com/vyos/vyos.vyos/pull/358 (VyOS 1.3.8, review by sever-sever). */
const SET_FAILED = `vyos@client-11# set firewall state-policy established log-level

  Configuration path: firewall state-policy established [log-level] is not valid
  Set failed


`;

/** Recorded from https://github.com/vyos/vyos-1x/pull/606 (an OpenVPN interface the commit refused). */
const OPENVPN_COMMIT_FAILED = `vyos@r4-roll# commit
[ interfaces openvpn vtun10 ]
{'auth_user_pass_file': '/run/openvpn/vtun10.pw',
 'daemon_group': 'openvpn',
 'daemon_user': 'openvpn',
 'device_type': 'tun',
 'encryption': {'cipher': 'aes256gcm', 'disable_ncp': {}},
 'hash': 'sha512',
 'ifname': 'vtun10',
 'keep_alive': {'failure_count': '60', 'interval': '10'},
 'mode': 'client',
 'persistent_tunnel': {},
 'protocol': 'tcp-active',
 'remote_host': ['100.64.0.1'],
 'remote_port': '1194',
 'server': {'topology': 'net30'},
 'tls': {'ca_cert_file': '/config/auth/ovpn/ca.crt',
         'cert_file': '/config/auth/ovpn/branch1.crt',
         'key_file': '/config/auth/ovpn/branch1.key'},
 'use_lzo_compression': {}}
Must specify "remote-host" with "tcp-active"

[[interfaces openvpn vtun10]] failed
Commit failed
[edit]
vyos@r4-roll# 
`;

/** Recorded from https://github.com/napalm-automation-community/napalm-vyos/pull/48 (a value refused at commit). */
const VALUE_COMMIT_FAILED = `commit
[ interfaces l2tpv3 l2tpeth1 address 192.168.1/30 ]
Error: 192.168.1/30 is not a valid IP host



[ interfaces l2tpv3 l2tpeth1 address 192.168.1/30 ]
Invalid value

[[interfaces l2tpv3 l2tpeth1]] failed
Commit failed
[edit]
`;

/** Recorded from https://github.com/ansible/ansible/issues/24941 (VyOS 1.1.7, as the module received it). */
const INVALID_COMMAND = 'save\r\n\r\n  Invalid command: [save]\r\n\r\n';

/**
 * Written from vyos-1x's source strings, not recorded: python/vyos/config_mgmt.py,
 * ConfigMgmt.commit_confirm (the prompt that commit.vbash answers, then its message), as
 * vyos.utils.io.ask_yes_no prints the prompt; a commit that succeeds prints nothing more.
 */
const GOOD_COMMIT_CONFIRM = `
commit-confirm will automatically reboot in 10 minutes unless changes
are confirmed.

Proceed ? [Y/n] Initialized commit-confirm; 10 minutes to confirm before reboot
`;

/** Written from vyos-1x's source strings, not recorded: ConfigMgmt.confirm's message. */
const GOOD_CONFIRM = 'Reboot timer stopped\n';

describe('vyosOutcome', () => {
  it('reads a good commit-confirm and confirm as good', () => {
    expect(vyosOutcome(GOOD_COMMIT_CONFIRM)).toEqual({ ok: true });
    expect(vyosOutcome(GOOD_CONFIRM)).toEqual({ ok: true });
    expect(vyosOutcome('')).toEqual({ ok: true });
  });

  it('reports a set that failed with the path VyOS refused', () => {
    expect(vyosOutcome(SET_FAILED)).toEqual({
      ok: false,
      lines: ['Configuration path: firewall state-policy established [log-level] is not valid', 'Set failed'],
    });
  });

  it("reports a refused commit with the section and the script's reason", () => {
    expect(vyosOutcome(OPENVPN_COMMIT_FAILED)).toEqual({
      ok: false,
      lines: [
        'Must specify "remote-host" with "tcp-active"',
        '[[interfaces openvpn vtun10]] failed',
        'Commit failed',
      ],
    });
    expect(vyosOutcome(VALUE_COMMIT_FAILED)).toEqual({
      ok: false,
      lines: ['Invalid value', '[[interfaces l2tpv3 l2tpeth1]] failed', 'Commit failed'],
    });
  });

  it('reports a word the configuration mode does not know', () => {
    expect(vyosOutcome(INVALID_COMMAND)).toEqual({ ok: false, lines: ['Invalid command: [save]'] });
  });

  it('fails on every recorded failure through the plain failOn substrings the runner scans for', () => {
    for (const output of [SET_FAILED, OPENVPN_COMMIT_FAILED, VALUE_COMMIT_FAILED, INVALID_COMMAND])
      expect(VYOS_FAIL_ON.some((text) => output.includes(text))).toBe(true);
    for (const output of [GOOD_COMMIT_CONFIRM, GOOD_CONFIRM])
      expect(VYOS_FAIL_ON.some((text) => output.includes(text))).toBe(false);
  });
});
