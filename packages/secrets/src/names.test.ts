import { describe, expect, it } from 'vitest';
import { kubeadmSecretNames, secretNames, secretRecipe } from './names.ts';
import { placeholdersIn, secretPlaceholder } from './placeholders.ts';

describe('secret names', () => {
  it('names each secret once, and says how a missing one is made', () => {
    const file = (name: string) => `environments/lab/secrets/${name}`;
    expect(secretRecipe(secretNames.routerKey('rt-berlin'), 'lab', file('x'))).toBe(
      'geostage secrets init lab',
    );
    expect(secretRecipe(kubeadmSecretNames.caCertHash, 'lab', file('x'))).toBe(
      'made by kubeadm init on the first control plane',
    );
    const token = kubeadmSecretNames.bootstrapToken;
    expect(secretRecipe(token, 'lab', file(token))).toBe(
      'kubeadm token generate > environments/lab/secrets/kubeadm/bootstrap-token (mode 0600)',
    );
  });

  it('round-trips through placeholders', () => {
    const text = `${secretPlaceholder(kubeadmSecretNames.certificateKey)} ${secretPlaceholder(secretNames.caKey)}`;
    expect(placeholdersIn(text)).toEqual(['kubeadm/certificate-key', 'openvpn/ca.key']);
  });
});
