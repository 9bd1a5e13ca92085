// Host keys on booted machines (issue 16, item 1): `geostage hosts scan` reads the key every
// router and server of keio-2019 presents (servers through their router) and records exactly
// what the lab recorded when it booted them, after a y/N question on a terminal or --yes; a
// changed key is refused until --replace names it.
// transport's connect reaches a server through its router, refuses a wrong host key naming both
// fingerprints, and calls a closed port "refused". The machines come from
// `lab up keio-2019 --machines` in a scratch copy of the repository.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type HostInventory, loadEnvironment, readHostInventory } from '@geostage/environment';
import { cgroupsByPrefix, ensureImage, type LabState, namespaceSupport } from '@geostage/lab';
import { type HostAccess, jumpChain, type Model } from '@geostage/schema';
import {
  connect,
  hostKeys,
  listNamespaces,
  parseKnownHosts,
  publicKeyBlob,
  type SshTarget,
} from '@geostage/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { machinesMissing, type Scratch, scratchRepository } from './scratch.ts';

const main = join(import.meta.dirname, '..', '..', 'packages', 'cli', 'src', 'main.ts');

/** What `ssh-keygen -lf` prints as the fingerprint of a public key line. */
function keygenFingerprint(line: string): string {
  return execFileSync('ssh-keygen', ['-lf', '-'], { input: `${line}\n`, encoding: 'utf8' }).split(' ')[1]!;
}

/** Live (not zombie) processes whose command line contains `text`. */
function livePids(text: string): string[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .filter((pid) => {
      try {
        if (/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return false;
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    });
}

const support = namespaceSupport() ?? machinesMissing();
if (support !== null) {
  console.warn(`test/lab/hosts-scan: skipped: ${support}`);
  describe('hosts scan on booted machines: keio-2019', () => {
    it.skip(`skipped: ${support}`, () => {});
  });
} else {
  describe('hosts scan on booted machines: keio-2019', () => {
    let scratch: Scratch;
    let model: Model;
    let inventory: HostInventory;
    const lab = () => join(scratch.environmentFolder, '.lab');
    /** A copy of the lab's inventory in a folder of its own, so its known_hosts starts empty. */
    const scanFolder = () => join(scratch.environmentFolder, 'scan');
    const scanned = () => join(scanFolder(), 'known_hosts');
    const scan = (...args: string[]) =>
      scratch.geostage([
        'hosts',
        'scan',
        'keio-2019',
        '--inventory',
        'environments/keio-2019/scan/inventory.yaml',
        ...args,
      ]);

    /** How apply reaches `name`: the inventory's access, the key file, the recorded host keys. */
    function target(name: string, change: Partial<SshTarget> = {}): SshTarget {
      const known = parseKnownHosts(readFileSync(join(lab(), 'known_hosts'), 'utf8'));
      const hop = (host: HostAccess): Omit<SshTarget, 'jumps'> => ({
        host: host.name,
        address: host.address,
        port: host.port,
        user: host.user,
        privateKey: readFileSync(host.identity!),
        hostKey: hostKeys(known, host.name)[0]!.key,
        namespace: host.namespace,
      });
      const host = inventory.hosts.find((one) => one.name === name)!;
      return { ...hop(host), jumps: jumpChain(inventory, name).map(hop), ...change };
    }

    beforeAll(async () => {
      const image = await ensureImage({ progress: (line) => console.log(line) });
      if (!image.ok) throw new Error(image.error);
      scratch = scratchRepository('keio-2019');
      const up = await scratch.geostage(['lab', 'up', 'keio-2019', '--machines']);
      if (up.code !== 0) throw new Error(`lab up --machines failed:\n${up.stdout}${up.stderr}`);
      mkdirSync(scanFolder());
      cpSync(join(lab(), 'inventory.yaml'), join(scanFolder(), 'inventory.yaml'));
      const environment = await loadEnvironment(scratch.folder, 'keio-2019');
      model = environment.model!;
      const read = await readHostInventory(join(lab(), 'inventory.yaml'), model);
      if (!read.ok) throw new Error(read.error);
      inventory = read.inventory;
    }, 300_000);

    afterAll(async () => {
      if (existsSync(lab())) await scratch.geostage(['lab', 'down', 'keio-2019']);
      if (!process.env.GS_KEEP) rmSync(scratch.folder, { recursive: true, force: true });
    });

    it('asks on a terminal, and records nothing when the answer is no', () => {
      // A terminal of its own (util-linux script): the question comes, "n" declines it.
      const asked = spawnSync(
        'script',
        [
          '-qec',
          `${process.execPath} ${main} hosts scan keio-2019 --inventory environments/keio-2019/scan/inventory.yaml`,
          '/dev/null',
        ],
        { cwd: scratch.folder, input: 'n\n', encoding: 'utf8', timeout: 60_000 },
      );
      expect(asked.status, asked.stdout + asked.stderr).toBe(1);
      expect(asked.stdout).toContain(
        'Record 11 host keys (vyos01, vyos02, vyos03, lb, master01, master02, master03, node01, node02, node03, node04) in environments/keio-2019/scan/known_hosts? [y/N]',
      );
      expect(asked.stdout).toContain('nothing recorded');
      expect(existsSync(scanned())).toBe(false);
    }, 60_000);

    it('records every host key, servers through their router, equal to what the lab recorded', async () => {
      const first = await scan('--yes');
      expect(first.code, first.stdout + first.stderr).toBe(0);
      const recorded = readFileSync(join(lab(), 'known_hosts'), 'utf8');
      expect(readFileSync(scanned(), 'utf8')).toBe(recorded);
      // Each host with its key type and the fingerprint ssh-keygen prints, marked new.
      for (const line of recorded.trim().split('\n')) {
        const [host, ...key] = line.split(' ');
        expect(first.stdout).toMatch(
          new RegExp(
            `^ {2}${host} +${key[0]} {2}${keygenFingerprint(key.join(' ')).replace(/[+/]/g, '\\$&')} {2}new$`,
            'm',
          ),
        );
      }
      expect(first.stdout).toContain(
        '11 hosts: 11 new, 0 unchanged, 0 changed (0 to replace), 0 unreachable, 0 not scanned',
      );

      // Again, without a terminal and without --yes: nothing to ask, nothing written.
      const again = await scan();
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(again.stdout).toContain('11 hosts: 0 new, 11 unchanged');
      expect(again.stdout).toContain('nothing to record');
    }, 60_000);

    it('refuses a changed key until --replace names the host, and scans nothing behind it', async () => {
      const recorded = readFileSync(scanned(), 'utf8');
      const lines = recorded.trim().split('\n');
      const lbKey = lines
        .find((line) => line.startsWith('lb '))!
        .split(' ')
        .slice(1)
        .join(' ');
      // vyos03 recorded with another host's key; node03 and node04 sit behind it.
      writeFileSync(
        scanned(),
        `# checked on the consoles\n${lines.map((line) => (line.startsWith('vyos03 ') ? `vyos03 ${lbKey}` : line)).join('\n')}\n`,
      );
      const tampered = readFileSync(scanned(), 'utf8');
      const refused = await scan('--yes');
      expect(refused.code, refused.stdout + refused.stderr).toBe(1);
      const vyos03 = lines
        .find((line) => line.startsWith('vyos03 '))!
        .split(' ')
        .slice(1)
        .join(' ');
      expect(refused.stdout).toMatch(
        new RegExp(
          `^ {2}vyos03 +ssh-ed25519 {2}${keygenFingerprint(vyos03).replace(/[+/]/g, '\\$&')} {2}CHANGED \\(recorded: ssh-ed25519 ${keygenFingerprint(lbKey).replace(/[+/]/g, '\\$&')}\\): not replaced.*--replace vyos03$`,
          'm',
        ),
      );
      expect(refused.stdout).toMatch(
        /^ {2}node04 +not scanned: its jump host vyos03 shows a changed key \(not replaced\)$/m,
      );
      expect(refused.stdout).toContain('8 unchanged, 1 changed (0 to replace), 0 unreachable, 2 not scanned');
      expect(readFileSync(scanned(), 'utf8')).toBe(tampered);

      const replaced = await scan('--yes', '--replace', 'vyos03');
      expect(replaced.code, replaced.stdout + replaced.stderr).toBe(0);
      expect(replaced.stdout).toContain('replacing it (--replace)');
      // The comment kept, vyos03's key back in its place.
      expect(readFileSync(scanned(), 'utf8')).toBe(`# checked on the consoles\n${recorded}`);

      const unknown = await scan('--replace', 'vyos9');
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('--replace vyos9: no such host in keio-2019');
    }, 60_000);

    it('connects to a server through its router, refuses a wrong host key, and calls a closed port refused', async () => {
      const session = await connect(target('node04'));
      if (!session.ok) throw new Error(session.error);
      const hostname = await session.value.exec('hostname');
      session.value.close();
      expect(hostname.ok && hostname.value.stdout.trim()).toBe('node04');

      const lbLine = readFileSync(join(lab(), 'known_hosts'), 'utf8')
        .split('\n')
        .find((line) => line.startsWith('lb '))!;
      const wrong = await connect(target('vyos01', { hostKey: publicKeyBlob(lbLine.slice(3)) }));
      expect(wrong.ok).toBe(false);
      if (wrong.ok) return;
      const vyos01 = readFileSync(join(lab(), 'known_hosts'), 'utf8')
        .split('\n')
        .find((line) => line.startsWith('vyos01 '))!;
      expect(wrong.kind).toBe('host-key');
      expect(wrong.error).toContain('vyos01');
      expect(wrong.error).toContain(`expected ${keygenFingerprint(lbLine.slice(3))}`);
      expect(wrong.error).toContain(`presented ${keygenFingerprint(vyos01.slice(7))}`);
      expect(wrong.error).toContain('geostage hosts scan <env> --replace vyos01');

      // A jump host whose key is wrong stops the chain there.
      const { jumps: _none, ...vyos02 } = target('vyos02');
      const wrongJump = await connect({
        ...target('node01'),
        jumps: [{ ...vyos02, hostKey: publicKeyBlob(lbLine.slice(3)) }],
      });
      expect(!wrongJump.ok && [wrongJump.kind, wrongJump.host]).toEqual(['host-key', 'vyos02']);

      const closed = await connect(target('vyos01', { port: 2 }));
      expect(!closed.ok && closed.kind).toBe('refused');
      // A server's closed port, seen by its router: the channel is refused.
      const closedBehind = await connect(target('node04', { port: 2 }));
      expect(!closedBehind.ok && closedBehind.kind, closedBehind.ok ? '' : closedBehind.error).toBe(
        'refused',
      );
    }, 60_000);

    it('lab down leaves nothing', async () => {
      const state = JSON.parse(readFileSync(join(lab(), 'state.json'), 'utf8')) as LabState;
      const down = await scratch.geostage(['lab', 'down', 'keio-2019']);
      expect(down.code, down.stdout + down.stderr).toBe(0);
      const namespaces = (await listNamespaces()).filter((name) => name.startsWith(state.prefix));
      expect([
        ...namespaces,
        ...livePids(`--machine=${state.prefix}m-`),
        ...livePids(`${lab()}/`),
        ...cgroupsByPrefix(state.prefix),
      ]).toEqual([]);
      expect(existsSync(lab())).toBe(false);
    }, 60_000);
  });
}
