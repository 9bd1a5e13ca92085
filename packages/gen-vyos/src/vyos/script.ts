// The `set` script: the commands of each section under their comment, in the order an
// administrator reads a router (system, interfaces, keys, tunnels, routes, NAT, firewall).
import { type Section, setLine } from './command.ts';

export function setScript(header: string[], sections: readonly Section[]): string {
  const out: string[] = header.map((text) => `# ${text}`);
  for (const section of sections) {
    out.push('');
    out.push(...section.comment.map((text) => `# ${text}`));
    out.push(...section.commands.map(setLine));
  }
  return `${out.join('\n')}\n`;
}
