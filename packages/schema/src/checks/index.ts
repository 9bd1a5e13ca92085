// The semantic checks, run after the schema accepted the document. Each concept has its file.
import { checkAddresses } from './addresses.ts';
import { checkApplications } from './applications.ts';
import type { Check, CheckContext, Finding } from './finding.ts';
import { checkKubernetes } from './kubernetes.ts';
import { checkNames } from './names.ts';
import { checkPrefixes } from './prefixes.ts';
import { checkSegments } from './segments.ts';
import { checkVpn } from './vpn.ts';
import { checkWan } from './wan.ts';

export type { Check, CheckContext, Finding } from './finding.ts';

export const CHECKS: readonly Check[] = [
  checkNames,
  checkAddresses,
  checkPrefixes,
  checkSegments,
  checkVpn,
  checkKubernetes,
  checkApplications,
  checkWan,
];

export function semanticChecks(context: CheckContext): Finding[] {
  return CHECKS.flatMap((check) => check(context));
}
