import { describe, expect, it } from 'vitest';
import { kubeletMaySet } from './node-labels.ts';

describe('kubeletMaySet (NodeRestriction rules)', () => {
  it('allows the topology labels, the kubelet/node namespaces and labels outside kubernetes.io', () => {
    for (const label of [
      'topology.kubernetes.io/region',
      'topology.kubernetes.io/zone',
      'kubernetes.io/hostname',
      'node.kubernetes.io/instance-type',
      'kubelet.kubernetes.io/anything',
      'example.com/rack',
      'plain',
    ]) {
      expect(kubeletMaySet(label), label).toBe(true);
    }
  });

  it('refuses node roles and other labels in the kubernetes.io and k8s.io namespaces', () => {
    for (const label of [
      'node-role.kubernetes.io/control-plane',
      'node-role.kubernetes.io/worker',
      'kubernetes.io/role',
      'something.k8s.io/x',
    ]) {
      expect(kubeletMaySet(label), label).toBe(false);
    }
  });
});
