// A Plan: what apply would upload and run on which host, in named phases (k0sctl style), as
// plain data. The planner builds it from the Model and the generated files without touching a
// host; `geostage plan` prints it, and `geostage apply --lab` executes its routers and
// tunnel-check phases step by step in the lab (the other phases are planned only, so far).

/** The phases in the order DESIGN.md gives, each finished on every host before the next starts. */
export const PHASE_NAMES = [
  'routers',
  'tunnel-check',
  'server-networking',
  'load-balancer',
  'first-control-plane',
  'other-control-planes',
  'workers',
  'labels',
  'cni',
  'apps',
  'verification',
] as const;

export type PhaseName = (typeof PHASE_NAMES)[number];

export function isPhaseName(name: string): name is PhaseName {
  return (PHASE_NAMES as readonly string[]).includes(name);
}

export interface Plan {
  environment: string;
  /** The topology the Model came from, relative to the repository root. */
  source: string;
  /** How the operator reaches hosts, in one sentence per kind of host. */
  access: string[];
  phases: Phase[];
}

export interface Phase {
  name: PhaseName;
  /** What the phase achieves, one line. */
  summary: string;
  /** How many steps run at once; 1 is one host at a time, in the order listed. */
  parallel: number;
  /** Things the phase assumes or leaves to the operator. */
  notes: string[];
  steps: Step[];
}

/** How the operator gets to a host. */
export type Access =
  /** SSH to the router's WAN address, straight over the underlay. */
  | { via: 'underlay'; address: string }
  /** A router behind NAT: SSH to its LAN gateway, jumping through the entry router (SSH on its WAN address) and the tunnels. */
  | { via: 'vpn'; address: string; jump: string; jumpAddress: string }
  /**
   * A server: SSH to its LAN address, jumping through its own site's router, which is reached as
   * the router's access says (`jumpAddress`: its WAN address, or behind NAT its LAN gateway).
   */
  | { via: 'site-router'; address: string; jump: string; jumpAddress: string }
  /** On the operator's own machine. */
  | { via: 'operator' };

export type Source =
  /** A generated file, relative to environments/<env>/generated/<folder>/. */
  | { kind: 'generated'; folder: 'network' | 'cluster'; path: string }
  /** A private file, environments/<env>/secrets/<name>, uploaded as it is. */
  | { kind: 'secret'; name: string }
  /** A public file, environments/<env>/public/<name> (certificates, DH parameters). */
  | { kind: 'public'; name: string }
  /** A small script the planner writes itself (e.g. the VyOS loader); its text is here. */
  | { kind: 'script'; name: string; content: string };

/**
 * Every upload lands beside its device path first, as `<to>.geostage-new`, and is moved over it
 * (rename is atomic), so a half-written file is never live.
 */
export const STAGED_SUFFIX = '.geostage-new';

export interface Upload {
  from: Source;
  /** Absolute path on the device; apply creates missing folders. */
  to: string;
  mode: number;
  /** Secret names the uploaded bytes need (placeholders in a generated file, or the secret itself). */
  secrets: string[];
  /**
   * Left at `<to>.geostage-new` for a command of the step to put in place (netplan-try keeps the
   * previous file to revert to); otherwise apply moves it into place right after the uploads.
   */
  staged?: true;
}

/**
 * What a command does, for an executor that cannot run it as written (the lab moves the file it
 * names under the router's root, and has no systemd): carried as data, never parsed from `run`.
 */
export type CommandKind =
  | 'load-sysctl'
  | 'check-nftables'
  | 'load-nftables'
  | 'systemd'
  | 'restart-tunnels'
  /** VyOS: the set commands under commit-confirm; vbash exits 0 on failure, so its output is read. */
  | 'vyos-commit'
  /** VyOS: confirm and save, over a fresh connection. */
  | 'vyos-confirm'
  /** A server: netplan-try applies the staged netplan file with a timed revert. */
  | 'netplan-try'
  /** A server: netplan-try --confirm, over a fresh connection, keeps it. */
  | 'netplan-confirm'
  /** Prints the cluster CA's public key hash; apply stores it as the secret the step produces. */
  | 'ca-cert-hash';

export interface Command {
  run: string;
  /** What progress lines and the dry run show instead of `run`, when `run` is a long shell line. */
  shown?: string;
  kind?: CommandKind;
  /** The device path the command reads, for load-sysctl, check-nftables and load-nftables. */
  file?: string;
  /** Why, or what apply checks besides the exit status. */
  note?: string;
  /** Run over a fresh SSH connection, which proves the host is still reachable after the change. */
  newConnection?: boolean;
}

export type SecretState =
  | { name: string; state: 'present' }
  | { name: string; state: 'missing'; hint: string }
  /** Made by an earlier step of this plan (e.g. kubeadm/ca-cert-hash by kubeadm init). */
  | { name: string; state: 'produced'; by: string };

export interface Step {
  phase: PhaseName;
  /** A router or server name from the topology, or `operator`. */
  host: string;
  /** What the host is to this step: router, server, load balancer, control plane, ... */
  role: string;
  access: Access;
  uploads: Upload[];
  commands: Command[];
  /** Every secret the step needs, with whether it is there. */
  secrets: SecretState[];
  /** Secrets this step writes to environments/<env>/secrets/ for later steps. */
  produces: string[];
  /** Hosts in the same phase that must finish first (the phase is otherwise parallel). */
  after: string[];
  /** The safety net when the change can cut the connection apply uses, or null. */
  safetyNet: string | null;
  notes: string[];
  /** Why the step cannot run yet; empty when it can. */
  blocked: string[];
}

/** Every blocked step, in plan order. */
export function blockedSteps(plan: Plan): Step[] {
  return plan.phases.flatMap((phase) => phase.steps.filter((step) => step.blocked.length > 0));
}

/** The missing secrets of the whole plan, each once, with how to create it. */
export function missingSecrets(plan: Plan): { name: string; hint: string }[] {
  const found = new Map<string, string>();
  for (const phase of plan.phases) {
    for (const step of phase.steps) {
      for (const secret of step.secrets) {
        if (secret.state === 'missing') found.set(secret.name, secret.hint);
      }
    }
  }
  return [...found].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, hint]) => ({ name, hint }));
}
