// System settings. Nothing here differs between the release lines.
import { type Section, set } from './command.ts';
import type { RouterContext } from './context.ts';

export function systemSection(context: RouterContext): Section {
  return {
    comment: ['System'],
    commands: [set(['system'], 'host-name', context.router.name)],
  };
}
