// Which secrets a step needs and whether they are there: present in environments/<env>/secrets/,
// produced by an earlier step of the plan (kubeadm init makes the CA cert hash), or missing,
// with the command that creates it.
import type { SecretState } from './plan.ts';

/** How to create a missing secret, by name. */
export function secretHint(name: string, environment: string): string {
  const file = `environments/${environment}/secrets/${name}`;
  if (name.startsWith('openvpn/')) return `geostage secrets init ${environment}`;
  if (name === 'kubeadm/bootstrap-token') return `kubeadm token generate > ${file} (mode 0600)`;
  if (name === 'kubeadm/certificate-key') return `kubeadm certs certificate-key > ${file} (mode 0600)`;
  if (name === 'kubeadm/ca-cert-hash') return 'made by kubeadm init on the first control plane';
  return `put it in ${file} (mode 0600)`;
}

export function secretStates(
  names: readonly string[],
  environment: string,
  present: ReadonlySet<string>,
  produced: ReadonlyMap<string, string>,
): SecretState[] {
  return [...new Set(names)].sort().map((name): SecretState => {
    if (present.has(name)) return { name, state: 'present' };
    const by = produced.get(name);
    if (by !== undefined) return { name, state: 'produced', by };
    return { name, state: 'missing', hint: secretHint(name, environment) };
  });
}
