// Generator warnings for people: the same warning about many routers (no certificate yet, for
// each of 1,000 routers) is said once, with the count and the first names, instead of once per
// router. Pure: warning lines in, lines out, in the order each warning was first given.

/** More than this many of one warning are folded into one line. */
export const FOLD_ABOVE = 3;
/** Names shown in a folded line. */
const SHOWN = 3;

const SUBJECT = /^(router|server|site) (\S+): (.*)$/s;

export function foldWarnings(warnings: readonly string[]): string[] {
  const groups = new Map<string, { kind: string; template: string; names: string[]; lines: string[] }>();
  const order: (string | { key: string })[] = [];
  for (const warning of warnings) {
    const match = SUBJECT.exec(warning);
    if (!match) {
      order.push(warning);
      continue;
    }
    const [, kind, name, rest] = match as unknown as [string, string, string, string];
    const template = rest.split(name).join(`<${kind}>`);
    const key = `${kind}\u0000${template}`;
    let group = groups.get(key);
    if (!group) {
      group = { kind, template, names: [], lines: [] };
      groups.set(key, group);
      order.push({ key });
    }
    group.names.push(name);
    group.lines.push(warning);
  }
  return order.flatMap((entry) => {
    if (typeof entry === 'string') return [entry];
    const group = groups.get(entry.key)!;
    if (group.lines.length <= FOLD_ABOVE) return group.lines;
    const shown = group.names.slice(0, SHOWN).join(', ');
    const more = group.names.length - SHOWN;
    return [`${group.names.length} ${group.kind}s (${shown} and ${more} more): ${group.template}`];
  });
}
