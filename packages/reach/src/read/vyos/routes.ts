// Static routes, in both syntaxes: 1.2/1.3 `interface-route P next-hop-interface IF`, 1.4+
// `route P interface IF`, and on every line `route P next-hop X` and `route P blackhole`, each
// with an optional `distance D`.
import { parseAddress, parsePrefix } from '../../address.ts';
import type { StaticRoute } from '../../device.ts';
import { invalid, type SetLine, unknown, type VyosReading } from './context.ts';

/** `route P interface IF` (1.4+) and `interface-route P next-hop-interface IF` (1.2/1.3), unquoted. */
const SIMPLE_ROUTE =
  /^set protocols static (?:route ([\d./]+) interface|interface-route ([\d./]+) next-hop-interface) ([\w.-]+)$/;

/**
 * Most lines of a large environment are routes into a tunnel: this reads them without
 * tokenizing. False when `raw` is not such a line (the tokenizing readers then take it).
 */
export function readSimpleRoute(reading: VyosReading, raw: string, line: number): boolean {
  const route = SIMPLE_ROUTE.exec(raw);
  if (!route) return false;
  const prefix = parsePrefix(route[1] ?? route[2]!);
  if (!prefix) return false;
  reading.device.routes.push({
    prefix,
    nextHop: null,
    interface: route[3]!,
    blackhole: false,
    distance: 1,
    file: reading.file,
    line,
  });
  return true;
}

/** `protocols static route|interface-route P KIND [TARGET] [distance D]` */
export function readRoute(reading: VyosReading, line: SetLine): void {
  const { path } = line;
  const legacy = path[2] === 'interface-route';
  const prefix = path[3] === undefined ? null : parsePrefix(path[3]);
  if (prefix === null) {
    invalid(reading, line, 'route prefix');
    return;
  }
  const kind = path[4];
  const target = path[5];
  let distance = 1;
  if (path[6] === 'distance') {
    distance = Number(path[7]);
    if (!Number.isInteger(distance)) {
      invalid(reading, line, 'distance');
      return;
    }
  } else if (path[6] !== undefined && !(kind === 'blackhole' && path[5] === 'distance')) {
    unknown(reading, line);
    return;
  }
  const route = (nextHop: number | null, egress: string | null, blackhole: boolean): StaticRoute => ({
    prefix,
    nextHop,
    interface: egress,
    blackhole,
    distance,
    file: reading.file,
    line: line.origin.line,
  });
  if (kind === 'blackhole') {
    if (path[5] === 'distance') distance = Number(path[6]);
    reading.device.routes.push(route(null, null, true));
  } else if ((legacy && kind === 'next-hop-interface') || (!legacy && kind === 'interface')) {
    if (target === undefined) invalid(reading, line, 'route interface');
    else reading.device.routes.push(route(null, target, false));
  } else if (!legacy && kind === 'next-hop') {
    const nextHop = target === undefined ? null : parseAddress(target);
    if (nextHop === null) invalid(reading, line, 'next-hop');
    else reading.device.routes.push(route(nextHop, null, false));
  } else if (kind === 'description') {
    // A description says nothing about forwarding.
  } else {
    unknown(reading, line);
  }
}
