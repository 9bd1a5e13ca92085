// The MTU arithmetic (mtuBudget, owned by @geostage/schema) for every CNI, encapsulation and
// OpenVPN authentication, checked against numbers worked out by hand, and carried unchanged
// into the rendered CNI settings.
import { type Authentication, type Cipher, type Model, mtuBudget } from '@geostage/schema';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exampleModel } from '../examples.ts';
import { cniFile } from './cni.ts';

// OpenVPN overhead, by hand: outer IPv4 20 + UDP 8, then
//   TLS + AEAD:       opcode/peer id 4 + packet id 4 + tag 16                    = 52
//   TLS + CBC:        opcode/peer id 4 + packet id 4 + HMAC 32 + IV 16 + pad 16 = 100
//   static key + CBC: packet id with time 8 + HMAC 32 + IV 16 + pad 16          = 100
const TUNNELS: { authentication: Authentication; cipher: Cipher; tunnel: number }[] = [
  { authentication: 'tls', cipher: 'aes-256-gcm', tunnel: 1448 },
  { authentication: 'tls', cipher: 'chacha20-poly1305', tunnel: 1448 },
  { authentication: 'tls', cipher: 'aes-256-cbc', tunnel: 1400 },
  { authentication: 'static-key', cipher: 'aes-256-cbc', tunnel: 1400 },
];
const ENCAPSULATIONS = [
  { encapsulation: 'vxlan', overhead: 50, calico: 'VXLAN', flannel: 'vxlan' },
  { encapsulation: 'ipip', overhead: 20, calico: 'IPIP', flannel: 'ipip' },
  { encapsulation: 'none', overhead: 0, calico: 'None', flannel: 'host-gw' },
] as const;

describe('pod MTU for every CNI, encapsulation and authentication', async () => {
  const base = await exampleModel('keio-2019');

  function modelWith(
    cni: 'calico' | 'flannel',
    encapsulation: 'vxlan' | 'ipip' | 'none',
    authentication: Authentication,
    cipher: Cipher,
    podOverride: number | null = null,
  ): Model {
    const mtu = mtuBudget({ underlay: 1500, authentication, cipher, encapsulation, podOverride });
    return {
      ...base,
      mtu,
      kubernetes: { ...base.kubernetes!, cni: { name: cni, encapsulation, mtu: mtu.pod } },
    };
  }

  for (const { authentication, cipher, tunnel } of TUNNELS) {
    for (const { encapsulation, overhead, calico, flannel } of ENCAPSULATIONS) {
      const pod = tunnel - overhead;
      it(`${authentication} ${cipher}, ${encapsulation}: tunnel ${tunnel}, pod ${pod}, in both CNIs`, () => {
        const budget = mtuBudget({
          underlay: 1500,
          authentication,
          cipher,
          encapsulation,
          podOverride: null,
        });
        expect(budget.tunnel).toBe(tunnel);
        expect(budget.computedPod).toBe(pod);
        expect(budget.pod).toBe(pod);
        expect(budget.mss).toBe(tunnel - 40);

        const calicoModel = modelWith('calico', encapsulation, authentication, cipher);
        const calicoPlan = cniFile(calicoModel, calicoModel.kubernetes!);
        expect(calicoPlan.file.path).toBe('cni/calico.yaml');
        const installation = parse(calicoPlan.file.content);
        expect(installation.spec.calicoNetwork.mtu).toBe(pod);
        expect(installation.spec.calicoNetwork.ipPools[0].encapsulation).toBe(calico);
        expect(installation.spec.calicoNetwork.ipPools[0].cidr).toBe(base.kubernetes!.podSubnet);

        const flannelModel = modelWith('flannel', encapsulation, authentication, cipher);
        const rendered = cniFile(flannelModel, flannelModel.kubernetes!).file.content;
        const configMap = parse(rendered);
        expect(JSON.parse(configMap.data['cni-conf.json']).plugins[0].delegate.mtu).toBe(pod);
        const netConf = JSON.parse(configMap.data['net-conf.json']);
        expect(netConf.Backend.Type).toBe(flannel);
        expect(netConf.Network).toBe(base.kubernetes!.podSubnet);

        // The reasoning is in the file, every step of it.
        for (const line of budget.explanation) expect(rendered).toContain(`#   ${line}\n`);
        expect(rendered).toContain(`= pod MTU ${pod} (${encapsulation})`);
      });
    }
  }

  it('renders an MTU set by the topology, and says so', () => {
    const model = modelWith('calico', 'vxlan', 'tls', 'aes-256-gcm', 1300);
    const content = cniFile(model, model.kubernetes!).file.content;
    expect(parse(content).spec.calicoNetwork.mtu).toBe(1300);
    expect(content).toContain('#   = pod MTU 1398 (vxlan)\n');
    expect(content).toContain('#   pod MTU set to 1300 by the topology\n');
  });

  it('warns that unencapsulated pod traffic cannot cross the routers between segments', () => {
    const model = modelWith('flannel', 'none', 'static-key', 'aes-256-cbc');
    expect(cniFile(model, model.kubernetes!).warnings).toEqual([
      expect.stringContaining('choose vxlan or ipip'),
    ]);
    const encapsulated = modelWith('flannel', 'vxlan', 'static-key', 'aes-256-cbc');
    expect(cniFile(encapsulated, encapsulated.kubernetes!).warnings).toEqual([]);
  });

  it('matches the examples: keio-2019 flannel VXLAN over static key 1350, global-hub calico IPIP over TLS 1428', async () => {
    expect(base.kubernetes!.cni.mtu).toBe(1350);
    const hub = await exampleModel('global-hub');
    expect(hub.kubernetes!.cni.mtu).toBe(1428);
    expect(parse(cniFile(hub, hub.kubernetes!).file.content).spec.calicoNetwork.mtu).toBe(1428);
  });
});
