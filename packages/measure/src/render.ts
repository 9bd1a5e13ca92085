// The measured matrix as the thesis printed its tables (o reachable, x not, - itself), servers
// on both axes grouped by router, and the round-trip times in the same layout. When the names
// do not fit the width, columns are numbered and the rows say which number is which server.

import type { MeasuredPair } from '@geostage/environment';
import type { Comparison } from './compare.ts';

export interface MatrixServer {
  name: string;
  router: string;
}

function grid(
  servers: readonly MatrixServer[],
  cell: (from: string, to: string) => string,
  width: number,
  minimumCell: number,
): string[] {
  const routerWidth = Math.max(...servers.map((server) => server.router.length));
  const nameWidth = Math.max(...servers.map((server) => server.name.length));
  const cellWidth = Math.max(nameWidth, minimumCell) + 1;
  const labelWidth = routerWidth + 2 + nameWidth + 1;
  const named = labelWidth + 2 + servers.length * cellWidth + 2 * new Set(servers.map((s) => s.router)).size;
  const numbered = named > width;
  const columnWidth = numbered ? Math.max(String(servers.length).length, minimumCell) + 1 : cellWidth;
  const header = servers.map((server, index) =>
    (numbered ? String(index + 1) : server.name).padEnd(columnWidth),
  );
  const lines: string[] = [];
  const blockStarts = servers.map(
    (server, index) => index === 0 || servers[index - 1]!.router !== server.router,
  );
  const joinCells = (cells: string[]) =>
    cells.map((text, index) => (blockStarts[index] ? `| ${text}` : text)).join('');
  const label = (router: string, name: string, index: number) =>
    `${router.padEnd(routerWidth)}  ${numbered ? `${String(index + 1).padStart(String(servers.length).length)} ` : ''}${name.padEnd(nameWidth)} `;
  const blank = ' '.repeat(label('', '', 0).length);
  if (!numbered) {
    lines.push(
      `${blank}${joinCells(servers.map((server, index) => (blockStarts[index] ? server.router : '').padEnd(columnWidth)))}`,
    );
  }
  lines.push(`${blank}${joinCells(header)}`);
  servers.forEach((from, row) => {
    const first = blockStarts[row]!;
    lines.push(
      `${label(first ? from.router : '', from.name, row)}${joinCells(servers.map((to) => (to === from ? '-' : cell(from.name, to.name)).padEnd(columnWidth)))}`,
    );
  });
  return lines.map((line) => line.trimEnd());
}

export function renderMeasured(
  pairs: readonly MeasuredPair[],
  servers: readonly MatrixServer[],
  options: { width?: number; title?: string } = {},
): string {
  const width = options.width ?? 120;
  const byPair = new Map(pairs.map((pair) => [`${pair.from}\u0000${pair.to}`, pair]));
  const get = (from: string, to: string) => byPair.get(`${from}\u0000${to}`);
  const reachable = pairs.filter((pair) => pair.reachable);
  const rtts = reachable.map((pair) => pair.rttMs!).sort((a, b) => a - b);
  const lines = [
    `${options.title ?? 'Measured in the lab'}: o reachable, x not, - itself`,
    ...grid(servers, (from, to) => (get(from, to) ? (get(from, to)!.reachable ? 'o' : 'x') : '?'), width, 1),
    `${reachable.length} of ${pairs.length} server pairs reachable`,
    '',
    'Round-trip time (ms, median of the replies; x: no reply)',
    ...grid(
      servers,
      (from, to) => {
        const pair = get(from, to);
        return pair?.rttMs != null ? pair.rttMs.toFixed(2) : pair ? 'x' : '?';
      },
      width,
      5,
    ),
  ];
  if (rtts.length > 0) {
    lines.push(
      `min ${rtts[0]!.toFixed(2)} ms, median ${rtts[Math.floor(rtts.length / 2)]!.toFixed(2)} ms, max ${rtts[rtts.length - 1]!.toFixed(2)} ms`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const mark = (value: boolean | null) => (value === null ? 'unknown to reach' : value ? 'o' : 'x');

export function renderComparison(comparison: Comparison, total: number): string {
  const lines: string[] = [];
  if (comparison.disagreements.length === 0) {
    lines.push(`The lab agrees with reach on all ${total} server pairs.`);
  } else {
    lines.push(`${comparison.disagreements.length} of ${total} server pairs disagree with reach:`);
    for (const found of comparison.disagreements) {
      lines.push(
        `  ${found.from} -> ${found.to}: reach ${mark(found.computed)}${found.why ? ` (${found.why})` : ''}, measured ${mark(found.measured)}`,
      );
    }
  }
  for (const name of comparison.unmeasured) lines.push(`  ${name}: in the generated files, not in the lab`);
  if (comparison.ttl.length > 0) {
    lines.push(
      `TTL differs on ${comparison.ttl.length} pairs (reach counts the request's routers, ping shows the reply's):`,
    );
    for (const found of comparison.ttl) {
      lines.push(
        `  ${found.from} -> ${found.to}: reach ttl=${found.computed}, measured ttl=${found.measured}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
