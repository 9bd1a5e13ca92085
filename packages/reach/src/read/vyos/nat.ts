// Source NAT rules: which interface is outbound (it faces the underlay), exclusions and masquerade.
import type { NatRule } from '../../device.ts';
import { type SetLine, unknown, type VyosReading } from './context.ts';

const IGNORED_NAT_SETTINGS = new Set(['source', 'destination', 'description', 'protocol', 'log']);

/** `nat source rule N SETTING ...` */
export function readNatRule(reading: VyosReading, line: SetLine): void {
  const { path } = line;
  const rule = path[3];
  if (rule === undefined) {
    unknown(reading, line);
    return;
  }
  let nat: NatRule | undefined = reading.natRules.get(rule);
  if (!nat) {
    nat = { rule, outboundInterface: null, exclude: false, masquerade: false, origin: line.origin };
    reading.natRules.set(rule, nat);
  }
  const setting = path[4];
  if (setting === 'outbound-interface') {
    // 1.2/1.3: outbound-interface eth0; 1.4+: outbound-interface name eth0
    nat.outboundInterface = (path[5] === 'name' ? path[6] : path[5]) ?? null;
  } else if (setting === 'exclude') {
    nat.exclude = true;
  } else if (setting === 'translation' && path[5] === 'address') {
    nat.masquerade = path[6] === 'masquerade';
  } else if (!IGNORED_NAT_SETTINGS.has(setting ?? '')) {
    unknown(reading, line);
  }
}
