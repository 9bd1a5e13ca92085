// nodeRegistration, shared by init and join: the node's name, its pinned address and the
// labels its kubelet may set on itself.
import type { ModelServer } from '@geostage/schema';
import { nodeLabelsArgument, selfLabels } from '../node-labels.ts';
import type { Arg, KubeadmDialect } from './api.ts';

// Explicit, so a host that also has Docker installed (as the thesis's servers had) does not
// make kubeadm stop and ask which runtime to use.
export const CRI_SOCKET = 'unix:///var/run/containerd/containerd.sock';

export function nodeRegistration(server: ModelServer, dialect: KubeadmDialect): Record<string, unknown> {
  // The kubelet otherwise takes the address of the default-route interface, which is not
  // always the LAN address the other sites route to.
  const args: Arg[] = [['node-ip', server.address]];
  const labels = selfLabels(server);
  if (labels.length > 0) args.push(['node-labels', nodeLabelsArgument(labels)]);
  const registration: Record<string, unknown> = {
    name: server.name,
    criSocket: CRI_SOCKET,
    kubeletExtraArgs: dialect.extraArgs(args),
  };
  // A control plane that is also a worker must not get kubeadm's default NoSchedule taint;
  // an empty list (not an absent one) is how kubeadm is told so.
  if (server.roles.includes('control-plane') && server.roles.includes('worker')) registration.taints = [];
  return registration;
}
