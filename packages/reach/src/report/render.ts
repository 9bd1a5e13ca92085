// The matrix as the thesis printed it (tables 4.6 and 4.7): o reachable, x not, - on the
// diagonal, server names on both axes, grouped by router (site). When the servers do not fit
// the terminal, a matrix of server groups (exact: the servers of a group behave alike), and
// when even that does not fit, one line per group.
import { type Fate, groupIndex, type ReachReport, type View } from './report.ts';

export interface RenderOptions {
  /** Terminal width in characters (default 120). */
  width?: number;
  /** Add one line per failure reason with how many server pairs it explains (default true). */
  reasons?: boolean;
}

const serverCount = (count: number) => `${count} server${count === 1 ? '' : 's'}`;

const TITLES: Record<View, string> = {
  before: 'before the VPN (tunnels removed)',
  after: 'after the VPN',
};

const mark = (fate: Fate | undefined) => (fate === 'reachable' ? 'o' : 'x');

/**
 * The width of serverMatrix's lines before their trailing blanks are trimmed, worked out without
 * drawing them, and the most the trim can take off (one cell).
 */
function serverMatrixWidth(report: ReachReport): { width: number; slack: number } {
  const servers = report.servers;
  const routerWidth = Math.max(0, ...servers.map((server) => (server.router ?? '').length));
  const nameWidth = Math.max(...servers.map((server) => server.name.length));
  const routers = new Set(servers.map((server) => server.router ?? '?')).size;
  return {
    width: routerWidth + 2 + nameWidth + 1 + 2 + servers.length * (nameWidth + 1) + 2 * (routers - 1),
    slack: nameWidth + 1,
  };
}

/** The same for groupMatrix. */
function groupMatrixWidth(report: ReachReport): { width: number; slack: number } {
  const numberWidth = String(report.groups.length).length;
  const labelWidth = Math.max(0, ...groupLabels(report.groups).map((label) => label.length));
  return { width: labelWidth + 3 + report.groups.length * (numberWidth + 1), slack: numberWidth + 1 };
}

/** The lines `draw` gives when they fit, drawn only when the estimate says they may. */
function drawnIfFits(
  estimate: { width: number; slack: number },
  width: number,
  draw: () => string[],
): string[] | null {
  if (estimate.width - estimate.slack > width) return null;
  const lines = draw();
  return lines.some((line) => line.length > width) ? null : lines;
}

/** `3 vyos01 192.168.10.0/24 (4 servers)`: each group's row label in groupMatrix. */
function groupLabels(groups: ReachReport['groups']): string[] {
  const numberWidth = String(groups.length).length;
  return groups.map(
    (group, index) =>
      `${String(index + 1).padStart(numberWidth)} ${group.router ?? '?'} ${group.id} (${serverCount(group.servers.length)})`,
  );
}

function serverMatrix(report: ReachReport, view: View): string[] {
  const servers = report.servers;
  const index = groupIndex(report);
  const groupOf = new Map(servers.map((server) => [server.name, index.get(server.group)!]));
  const routerWidth = Math.max(0, ...servers.map((server) => (server.router ?? '').length));
  const nameWidth = Math.max(...servers.map((server) => server.name.length));
  const cell = nameWidth + 1;
  const label = (router: string, name: string) => `${router.padEnd(routerWidth)}  ${name.padEnd(nameWidth)} `;
  const blocks: { router: string; names: string[] }[] = [];
  for (const server of servers) {
    const last = blocks[blocks.length - 1];
    const router = server.router ?? '?';
    if (last && last.router === router) last.names.push(server.name);
    else blocks.push({ router, names: [server.name] });
  }
  const headerRouters = blocks.map((block) => block.router.padEnd(block.names.length * cell)).join('| ');
  const headerNames = blocks.map((block) => block.names.map((name) => name.padEnd(cell)).join('')).join('| ');
  const lines = [
    `${' '.repeat(label('', '').length)}| ${headerRouters}`,
    `${' '.repeat(label('', '').length)}| ${headerNames}`,
  ];
  for (const block of blocks) {
    block.names.forEach((from, index) => {
      const cells = blocks.map((column) =>
        column.names
          .map((to) =>
            (to === from ? '-' : mark(report[view].fate(groupOf.get(from)!, groupOf.get(to)!))).padEnd(cell),
          )
          .join(''),
      );
      lines.push(`${label(index === 0 ? block.router : '', from)}| ${cells.join('| ')}`);
    });
  }
  return lines.map((line) => line.trimEnd());
}

function groupMatrix(report: ReachReport, view: View): string[] {
  const groups = report.groups;
  const numberWidth = String(groups.length).length;
  const cell = numberWidth + 1;
  const labels = groupLabels(groups);
  const labelWidth = Math.max(...labels.map((label) => label.length));
  const lines = [
    `${' '.repeat(labelWidth)} | ${groups.map((_, index) => String(index + 1).padEnd(cell)).join('')}`,
  ];
  groups.forEach((from, index) => {
    const cells = groups.map((to, column) => {
      // The diagonal group pair is two different servers of one group; a group of one has none.
      if (from === to && from.servers.length === 1) return '-'.padEnd(cell);
      return mark(report[view].fate(index, column)).padEnd(cell);
    });
    lines.push(`${labels[index]!.padEnd(labelWidth)} | ${cells.join('')}`);
  });
  return lines.map((line) => line.trimEnd());
}

function groupSummary(report: ReachReport, view: View): string[] {
  const sizes = report.groups.map((group) => group.servers.length);
  const matrix = report[view];
  const total = sizes.reduce((sum, size) => sum + size, 0);
  return report.groups.map((from, row) => {
    const reachable = matrix.tally(row, sizes, sizes[row]! - 1).get('reachable') ?? 0;
    const others = total - 1;
    return `${from.router ?? '?'} ${from.id} (${serverCount(from.servers.length)}): reaches ${reachable} of ${others} other servers`;
  });
}

/** Server pairs by failure reason, most frequent first. */
function reasonLines(report: ReachReport, view: View): string[] {
  const sizes = report.groups.map((group) => group.servers.length);
  const matrix = report[view];
  const counts = new Map<string, number>();
  let reachable = 0;
  let total = 0;
  // Server pairs: a row's servers times the servers of each column (its own less one).
  for (let row = 0; row < sizes.length; row++) {
    for (const [fate, servers] of matrix.tally(row, sizes, sizes[row]! - 1)) {
      const pairs = sizes[row]! * servers;
      total += pairs;
      if (fate === 'reachable') reachable += pairs;
      else counts.set(fate, (counts.get(fate) ?? 0) + pairs);
    }
  }
  const reasons = [...counts].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
  return [
    `${reachable} of ${total} server pairs reachable${reasons.length ? `; x: ${reasons.map(([reason, count]) => `${count} ${reason}`).join(', ')}` : ''}`,
  ];
}

export function renderMatrix(report: ReachReport, view: View, options: RenderOptions = {}): string {
  const width = options.width ?? 120;
  const title = `Reachability ${TITLES[view]}: o reachable, x not, - itself`;
  // Chosen by width before anything is drawn: 10,000 servers would be 10^8 cells to throw away.
  const groupRows = () => {
    const lines = drawnIfFits(groupMatrixWidth(report), width, () => groupMatrix(report, view));
    return (
      lines && [
        `(${report.servers.length} servers do not fit ${width} columns: one row per server group)`,
        ...lines,
      ]
    );
  };
  const body =
    report.servers.length === 0
      ? []
      : (drawnIfFits(serverMatrixWidth(report), width, () => serverMatrix(report, view)) ??
        groupRows() ??
        groupSummary(report, view));
  const lines = [title, ...body];
  if (options.reasons ?? true) lines.push(...reasonLines(report, view));
  return `${lines.join('\n')}\n`;
}
