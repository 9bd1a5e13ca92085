// gen-vyos VyOS output, checked with the real CLI trees of each release line (test-data/vyos,
// python3 check_set.py) and VyOS's config.boot <-> set conversion (bootconv.py). The Python
// tools run once per tree or once per batch, not once per file, so the suite stays fast.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FileSet, loadTopology, type Model, resolve } from '@geostage/schema';
import { type PublicMaterial, placeholdersIn } from '@geostage/secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { generateVyos } from './index.ts';
import { splitWords } from './quoting.ts';
import { VYOS_LINES, type VyosLine } from './versions.ts';

const PACKAGE = join(import.meta.dirname, '..', '..');
const ROOT = join(PACKAGE, '..', '..');
const TOOLS = join(PACKAGE, 'test-data', 'vyos');
const work = mkdtempSync(join(tmpdir(), 'gs-gen-vyos-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function exampleText(env: string): string {
  return readFileSync(join(ROOT, 'environments', env, 'topology.yaml'), 'utf8');
}

/** Load (schema and semantic checks included) and resolve a topology text. */
function modelOf(text: string, source: string): Model {
  const { topology, diagnostics } = loadTopology(text, source);
  const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
  expect(errors, JSON.stringify(errors, null, 2)).toEqual([]);
  return resolve(topology!, source);
}

const example = (env: string) => modelOf(exampleText(env), `environments/${env}/topology.yaml`);

/**
 * The global-hub topology rewritten so that every router (Berlin too) runs VyOS `line`, with
 * the given authentication: hub-and-spoke, a spoke behind NAT, tagged VLANs, a WAN MTU below
 * 1500 and a jumbo LAN, and WAN emulation on the routers, all on one release line.
 */
function synthetic(line: VyosLine, authentication: 'tls' | 'static-key'): Model {
  const topology = parse(exampleText('global-hub'));
  for (const site of topology.sites) {
    site.router.os = 'vyos';
    site.router.release = line;
    if (site.name === 'campus') site.router.wan.mtu = 1492;
    if (site.name === 'osaka') site.segments[0].mtu = 9000;
  }
  topology.vpn.authentication = authentication;
  topology.vpn.cipher = authentication === 'tls' ? 'aes-256-gcm' : 'aes-256-cbc';
  // The routers emulate the WAN (delays from the cities), so every line's emulator is checked too.
  topology.wan = { emulate: 'routers', defaults: { loss: 1, rate: 50 } };
  return modelOf(stringify(topology), `synthetic/${line}-${authentication}.yaml`);
}

/** Fill placeholders with dummy values of the right shape, as apply fills them with real ones. */
function fillPlaceholders(text: string): string {
  const hex = 'a1b2c3d4'.repeat(64); // a static key body: 512 hex digits
  const base64 = Buffer.from('not a real key or certificate, but base64 of the right shape').toString(
    'base64',
  );
  return text
    .replace(/@secret:openvpn\/[^@]*--[^@]*\.key\.body@/g, hex)
    .replace(/@secret:[^@]+@/g, base64)
    .replace(/@public:[^@]+@/g, base64);
}

interface Script {
  name: string;
  line: VyosLine;
  content: string;
}

/** Runs python3 in the tools folder without blocking, so the trees load in parallel. */
function python(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn('python3', args, { cwd: TOOLS });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

let batch = 0;
/** check_set.py over many scripts against one tree, in one process: failures per script name. */
async function checkAgainst(tree: VyosLine, scripts: Script[]): Promise<Map<string, string[]>> {
  const folder = join(work, `check-${batch++}`);
  spawnSync('mkdir', ['-p', folder]);
  const paths = scripts.map((script, index) => {
    const path = join(folder, `${index}.set`);
    writeFileSync(path, fillPlaceholders(script.content));
    return path;
  });
  const result = await python([
    'check_set.py',
    '--tree',
    `vyos-${tree}.json`,
    '--strict-tags',
    '-q',
    ...paths,
  ]);
  expect(result.status === 0 || result.status === 1, result.stderr).toBe(true);
  const failures = new Map<string, string[]>(scripts.map((script) => [script.name, []]));
  for (const row of result.stdout.split('\n')) {
    const match = /^(.*?):\d+: FAIL: (.*)$/.exec(row);
    if (!match) continue;
    const script = scripts[paths.indexOf(match[1]!)]!;
    failures.get(script.name)!.push(match[2]!);
  }
  return failures;
}

/** bootconv.py to-set over many config.boot texts, in one process. */
function bootToSet(texts: string[]): string[][] {
  const paths = texts.map((text, index) => {
    const path = join(work, `boot-${batch}-${index}.boot`);
    writeFileSync(path, text);
    return path;
  });
  batch++;
  const program =
    'import json, sys; import bootconv; print(json.dumps([bootconv.boot_to_set(open(f).read()) for f in sys.argv[1:]]))';
  const result = spawnSync('python3', ['-c', program, ...paths], { cwd: TOOLS, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as string[][];
}

function scriptsOf(files: FileSet, model: Model, label: string): Script[] {
  return files
    .filter((file) => file.path.endsWith('config.set'))
    .map((file) => {
      const router = file.path.split('/')[1]!;
      const line = model.sites.find((site) => site.router.name === router)!.router.release as VyosLine;
      return { name: `${label}/${router}`, line, content: file.content };
    });
}

/** The set lines of a script as word lists, comments dropped, sorted: its meaning, not its spelling. */
function meaning(lines: string[]): string[] {
  return lines
    .filter((line) => line.startsWith('set '))
    .map((line) => JSON.stringify(splitWords(line)))
    .sort();
}

const keio = example('keio-2019');
const globalHub = example('global-hub');
const keioOutput = generateVyos(keio);
const hubOutput = generateVyos(globalHub);
const syntheticRuns = VYOS_LINES.flatMap((line) =>
  (['tls', 'static-key'] as const).map((authentication) => {
    const model = synthetic(line, authentication);
    return { line, authentication, model, output: generateVyos(model) };
  }),
);
const exampleScripts = [
  ...scriptsOf(keioOutput.files, keio, 'keio-2019'),
  ...scriptsOf(hubOutput.files, globalHub, 'global-hub'),
];
const syntheticScripts = syntheticRuns.flatMap((run) =>
  scriptsOf(run.output.files, run.model, `${run.line}-${run.authentication}`),
);

const file = (files: FileSet, path: string) => files.find((candidate) => candidate.path === path)!.content;

describe('generated VyOS scripts pass the CLI tree of their release line', () => {
  it('writes config.set and config.boot for every VyOS router of both examples', () => {
    expect(keioOutput.files.map((f) => f.path)).toEqual([
      'routers/vyos01/config.boot',
      'routers/vyos01/config.set',
      'routers/vyos02/config.boot',
      'routers/vyos02/config.set',
      'routers/vyos03/config.boot',
      'routers/vyos03/config.set',
    ]);
    // rt-berlin runs Linux: not ours.
    expect(hubOutput.files.map((f) => f.path.split('/')[1])).toEqual([
      'hub-tokyo',
      'hub-tokyo',
      'rt-campus',
      'rt-campus',
      'rt-osaka',
      'rt-osaka',
    ]);
    expect(keioOutput.warnings).toEqual([]);
  });

  const all = [...exampleScripts, ...syntheticScripts];
  const failures = new Map<string, string[]>();
  // One checker process per tree, for every script of that line.
  beforeAll(async () => {
    const results = await Promise.all(
      VYOS_LINES.map((line) =>
        checkAgainst(
          line,
          all.filter((script) => script.line === line),
        ),
      ),
    );
    for (const result of results) for (const [name, list] of result) failures.set(name, list);
  });
  it.each(all.map((script) => [script.name, script.line] as const))(
    '%s passes vyos-%s.json --strict-tags',
    (name) => {
      expect(failures.get(name)).toEqual([]);
    },
  );

  it('checked every synthetic line and authentication (4 lines x 2 authentications x 4 routers)', () => {
    expect(syntheticScripts).toHaveLength(32);
  });
});

describe('the release-line tables matter', () => {
  const vyos01 = exampleScripts.find((script) => script.name === 'keio-2019/vyos01')!;
  const tokyo = exampleScripts.find((script) => script.name === 'global-hub/hub-tokyo')!;

  it('a 1.2 script fails against the 1.4 tree where the syntax changed', async () => {
    const failed = (await checkAgainst('1.4', [vyos01])).get(vyos01.name)!.join('\n');
    expect(failed).toMatch(/unknown element 'shared-secret-key-file'/);
    expect(failed).toMatch(/unknown element 'interface-route'/);
    expect(failed).toMatch(/unknown element 'name' after \[firewall\]/);
    expect(failed).toMatch(/unknown element 'options' after \[firewall\]/);
    expect(failed).toMatch(/outbound-interface/);
  });

  it('a 1.4 script fails against the 1.2 tree where the syntax changed', async () => {
    const failed = (await checkAgainst('1.2', [tokyo])).get(tokyo.name)!.join('\n');
    expect(failed).toMatch(/unknown element 'pki'/);
    expect(failed).toMatch(/unknown element 'ipv4' after \[firewall\]/);
    expect(failed).toMatch(/\[protocols static route 10\.20\.0\.0\/24\]/);
    expect(failed).toMatch(
      /unknown element 'name' after \[nat source rule 100 outbound-interface\]|outbound-interface/,
    );
    expect(failed).toMatch(/unknown element 'certificate' after \[interfaces openvpn vtun2 tls\]/);
  });

  it('words each difference the way its line expects', () => {
    const of = (line: VyosLine, authentication: 'tls' | 'static-key', router = 'hub-tokyo') =>
      file(
        syntheticRuns.find((run) => run.line === line && run.authentication === authentication)!.output.files,
        `routers/${router}/config.set`,
      );
    // static key
    expect(of('1.2', 'static-key')).toContain(
      'set interfaces openvpn vtun2 shared-secret-key-file /config/auth/tokyo--osaka.key',
    );
    expect(of('1.3', 'static-key')).toContain(
      'set interfaces openvpn vtun2 shared-secret-key-file /config/auth/tokyo--osaka.key',
    );
    for (const line of ['1.4', '1.5'] as const) {
      expect(of(line, 'static-key')).toContain(
        'set pki openvpn shared-secret tokyo--osaka key @secret:openvpn/tokyo--osaka.key.body@',
      );
      expect(of(line, 'static-key')).toContain('set pki openvpn shared-secret tokyo--osaka version 1');
      expect(of(line, 'static-key')).toContain('set interfaces openvpn vtun2 shared-secret-key tokyo--osaka');
    }
    // cipher: 1.2 a leaf, 1.3+ a node; 1.4+ negotiate it under TLS (they refuse `encryption cipher` there)
    expect(of('1.2', 'static-key')).toContain('set interfaces openvpn vtun2 encryption aes256\n');
    expect(of('1.2', 'tls')).toContain("set interfaces openvpn vtun2 openvpn-option '--cipher AES-256-GCM'");
    expect(of('1.3', 'tls')).toContain('set interfaces openvpn vtun2 encryption cipher aes256gcm');
    expect(of('1.5', 'static-key')).toContain('set interfaces openvpn vtun2 encryption cipher aes256');
    expect(of('1.4', 'tls')).not.toContain(' encryption ');
    expect(of('1.5', 'tls')).not.toContain(' encryption ');
    // keep-alive: restart after 60 s everywhere, spelled as 6 probes on 1.2 and 60 seconds later
    expect(of('1.2', 'tls')).toContain('keep-alive failure-count 6\n');
    expect(of('1.3', 'tls')).toContain('keep-alive failure-count 60\n');
    // TLS credentials: files on 1.2/1.3 (DH only on the passive end), PKI objects on 1.4+
    expect(of('1.2', 'tls')).toContain('set interfaces openvpn vtun2 tls dh-file /config/auth/dh.pem');
    expect(of('1.3', 'tls', 'rt-osaka')).not.toContain('dh-file');
    expect(of('1.3', 'tls', 'rt-osaka')).toContain('set interfaces openvpn vtun1 tls role active');
    expect(of('1.5', 'tls')).toContain('set interfaces openvpn vtun2 tls ca-certificate global-hub-ca');
    expect(of('1.5', 'tls')).not.toContain('dh-params');
    // routes, NAT, firewall, MSS
    expect(of('1.3', 'tls')).toContain(
      'set protocols static interface-route 10.20.0.0/24 next-hop-interface vtun2',
    );
    expect(of('1.4', 'tls')).toContain('set protocols static route 10.20.0.0/24 interface vtun2');
    expect(of('1.2', 'tls')).toContain('set nat source rule 9000 outbound-interface eth0');
    expect(of('1.5', 'tls')).toContain('set nat source rule 9000 outbound-interface name eth0');
    expect(of('1.3', 'tls')).toContain('set interfaces ethernet eth0 firewall local name WAN_LOCAL');
    expect(of('1.4', 'tls')).toContain('set firewall ipv4 input filter rule 100 inbound-interface name eth0');
    expect(of('1.2', 'tls')).toMatch(/set firewall options interface vtun2 adjust-mss \d+/);
    expect(of('1.5', 'tls')).toMatch(/set interfaces openvpn vtun2 ip adjust-mss \d+/);
  });
});

describe('keio-2019: the thesis lab', () => {
  const remoteLans: Record<string, { wan: string; lan: string }> = {
    vyos01: { wan: '10.4.0.90', lan: '192.168.10.0/24' },
    vyos02: { wan: '10.4.0.91', lan: '192.168.20.0/24' },
    vyos03: { wan: '10.4.0.92', lan: '192.168.30.0/24' },
  };
  it.each(Object.keys(remoteLans))(
    '%s has two tunnels, routes each remote /24 into the tunnel to its site, never NATs them',
    (router) => {
      const script = file(keioOutput.files, `routers/${router}/config.set`);
      const tunnels = [
        ...new Set([...script.matchAll(/^set interfaces openvpn (vtun\d+) /gm)].map((m) => m[1])),
      ];
      expect(tunnels).toHaveLength(2);
      for (const [peer, { wan, lan }] of Object.entries(remoteLans)) {
        if (peer === router) continue;
        // The tunnel that talks to the peer's WAN address...
        const vtun = new RegExp(
          `^set interfaces openvpn (vtun\\d+) remote-host ${wan.replaceAll('.', '\\.')}$`,
          'm',
        ).exec(script)?.[1];
        expect(vtun, `${router} -> ${peer}`).toBeDefined();
        // ...carries the peer's LAN.
        expect(script).toContain(`set protocols static interface-route ${lan} next-hop-interface ${vtun}\n`);
        const rule = new RegExp(
          `^set nat source rule (\\d+) destination address ${lan.replaceAll('.', '\\.')}$`,
          'm',
        ).exec(script)?.[1];
        expect(rule).toBeDefined();
        expect(script).toContain(`set nat source rule ${rule} exclude\n`);
        expect(Number(rule)).toBeLessThan(1000); // before the masquerade rules
      }
      expect(script).toContain(`set nat source rule 9000 source address ${remoteLans[router]!.lan}\n`);
      expect(script).toContain(`set system host-name ${router}`);
      expect(script).not.toMatch(/protocols static route 0\.0\.0\.0\/0/); // the thesis's underlay has no gateway
    },
  );

  it('carries no key material: static keys are files uploaded by apply', () => {
    for (const generated of keioOutput.files) {
      expect(generated.content).not.toMatch(/PRIVATE KEY|BEGIN OpenVPN Static key/);
      expect(placeholdersIn(generated.content)).toEqual([]);
    }
  });
});

describe('config.boot', () => {
  const runs = [
    { label: 'keio-2019', output: keioOutput, model: keio },
    { label: 'global-hub', output: hubOutput, model: globalHub },
    ...syntheticRuns.map((run) => ({
      label: `${run.line}-${run.authentication}`,
      output: run.output,
      model: run.model,
    })),
  ];
  const pairs = runs.flatMap((run) =>
    run.output.files
      .filter((f) => f.path.endsWith('config.boot'))
      .map((boot) => ({
        name: `${run.label}/${boot.path.split('/')[1]}`,
        boot: boot.content,
        script: file(run.output.files, boot.path.replace(/config\.boot$/, 'config.set')),
      })),
  );
  let converted: string[][] = [];
  beforeAll(() => {
    converted = bootToSet(pairs.map((pair) => pair.boot));
  });

  it.each(pairs.map((pair, index) => [pair.name, index] as const))(
    '%s: bootconv.py to-set gives back the set lines',
    (_name, index) => {
      const pair = pairs[index]!;
      expect(meaning(converted[index]!)).toEqual(meaning(pair.script.split('\n')));
    },
  );

  it('ends in the footer of its release line', () => {
    const boot = (label: string, router: string) =>
      file(runs.find((run) => run.label === label)!.output.files, `routers/${router}/config.boot`);
    expect(boot('keio-2019', 'vyos01')).toMatch(
      /\/\* === vyatta-config-version: "[^"]*firewall@5[^"]*" === \*\/\n\/\* Release version: 1\.2\.9 \*\/\n$/,
    );
    expect(boot('1.3-tls', 'rt-osaka')).toMatch(
      /\/\/ vyos-config-version: "[^"]*interfaces@23[^"]*"\n\/\/ Release version: 1\.3\.8\n$/,
    );
    expect(boot('global-hub', 'hub-tokyo')).toMatch(
      /\/\/ vyos-config-version: "[^"]*firewall@15[^"]*"\n\/\/ Release version: 1\.4\.0\n$/,
    );
    expect(boot('global-hub', 'rt-osaka')).toMatch(
      /\/\/ vyos-config-version: "[^"]*openvpn@4[^"]*"\n\/\/ Release version: 1\.5\.0\n$/,
    );
    expect(boot('keio-2019', 'vyos01').split('\n')[0]).toBe(
      '/* Generated by geostage from environments/keio-2019/topology.yaml. Do not edit: change the topology and regenerate. */',
    );
  });
});

describe('public material and placeholders', () => {
  const pem = (label: string, seed: string) => {
    const body = Buffer.from(seed.repeat(40)).toString('base64');
    return `-----BEGIN ${label}-----\n${body.match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;
  };
  const material: PublicMaterial = {
    caCertificate: pem('CERTIFICATE', 'ca'),
    routers: Object.fromEntries(
      ['hub-tokyo', 'rt-osaka', 'rt-campus', 'rt-berlin'].map((router) => [
        router,
        { certificate: pem('CERTIFICATE', router), fingerprint: `${'AB:'.repeat(31)}AB` },
      ]),
    ),
  };

  it('without material, TLS routers on 1.4+ carry placeholders and the generator says so', () => {
    const tokyo = file(hubOutput.files, 'routers/hub-tokyo/config.set');
    expect(tokyo).toContain('set pki ca global-hub-ca certificate @public:ca.crt@');
    expect(tokyo).toContain('set pki certificate hub-tokyo certificate @public:hub-tokyo.crt@');
    expect(placeholdersIn(tokyo)).toEqual(['openvpn/hub-tokyo.key.body']);
    expect(hubOutput.warnings).toContain(
      'router hub-tokyo: no certificate in public/hub-tokyo.crt yet; config carries a placeholder (run secrets init, then generate again)',
    );
  });

  it('with material, the certificates are embedded as one-line PEM bodies and nothing is missing', async () => {
    const output = generateVyos(globalHub, material);
    expect(output.warnings).toEqual([]);
    const tokyo = file(output.files, 'routers/hub-tokyo/config.set');
    const body = material.routers['hub-tokyo']!.certificate.split('\n')
      .filter((l) => l && !l.startsWith('-----'))
      .join('');
    expect(tokyo).toContain(`set pki certificate hub-tokyo certificate ${body}\n`);
    expect(tokyo).not.toContain('@public:');
    expect(tokyo).not.toMatch(/PRIVATE KEY/);
    const failures = await checkAgainst('1.4', [{ name: 'tokyo', line: '1.4', content: tokyo }]);
    expect(failures.get('tokyo')).toEqual([]);
  });
});

describe('determinism', () => {
  it('generating twice gives identical bytes', () => {
    for (const model of [keio, globalHub, ...syntheticRuns.map((run) => run.model)]) {
      const first = generateVyos(model);
      const second = generateVyos(structuredClone(model));
      expect(second).toEqual(first);
      for (const generated of first.files) {
        expect(generated.content.endsWith('\n')).toBe(true);
        expect(generated.content).not.toContain('\r');
      }
    }
  });
});

describe('WAN emulation on VyOS routers', () => {
  const of = (line: VyosLine) =>
    file(
      syntheticRuns.find((run) => run.line === line && run.authentication === 'tls')!.output.files,
      'routers/rt-osaka/config.set',
    );

  it('uses traffic-policy on 1.2/1.3 and qos policy on 1.4/1.5, attached to the tunnel egress', () => {
    for (const line of ['1.2', '1.3'] as const) {
      expect(of(line)).toMatch(/set traffic-policy network-emulator wan-emulation-vtun1 network-delay 5ms\n/);
      expect(of(line)).toContain('set traffic-policy network-emulator wan-emulation-vtun1 packet-loss 1%');
      expect(of(line)).toContain('set traffic-policy network-emulator wan-emulation-vtun1 bandwidth 50mbit');
      expect(of(line)).toContain('set interfaces openvpn vtun1 traffic-policy out wan-emulation-vtun1');
    }
    for (const line of ['1.4', '1.5'] as const) {
      // Osaka-Tokyo: 396 km at 1.5 over 200 km/ms plus 2 ms access is 4.97 ms, whole on 1.4+.
      expect(of(line)).toContain('set qos policy network-emulator wan-emulation-vtun1 delay 5\n');
      expect(of(line)).toContain('set qos policy network-emulator wan-emulation-vtun1 loss 1');
      expect(of(line)).toContain('set qos policy network-emulator wan-emulation-vtun1 queue-limit 1000');
      expect(of(line)).toContain('set qos interface vtun1 egress wan-emulation-vtun1');
    }
    expect(of('1.4')).toContain('# WAN emulation (not a real limit)');
  });

  it('says where VyOS cannot express a value: a fraction of a percent, jitter', () => {
    const run = syntheticRuns.find(
      (candidate) => candidate.line === '1.4' && candidate.authentication === 'tls',
    )!;
    const model: Model = structuredClone(run.model);
    for (const tunnel of model.wan.tunnels) {
      tunnel.lossPercent = { value: 0.2, source: { kind: 'default', written: true } };
      tunnel.jitterMs = { value: 2, source: { kind: 'default', written: true } };
    }
    const warnings = generateVyos(model).warnings;
    expect(warnings).toContain(
      'rt-osaka: vtun1 emulates 1% where the WAN says 0.2%: VyOS network-emulator values are whole numbers',
    );
    expect(warnings).toContain(
      "rt-osaka: vtun1 cannot emulate 2 ms jitter: VyOS's network emulator has no jitter",
    );
    expect(warnings.filter((warning) => warning.includes(' ms where'))).toEqual([]);
  });

  it('leaves the examples alone: global-hub emulates in the lab, keio-2019 not at all', () => {
    for (const generated of [...hubOutput.files, ...keioOutput.files]) {
      expect(generated.content).not.toMatch(/network-emulator|traffic-policy/);
    }
  });
});
