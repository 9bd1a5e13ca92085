// Every geostage command, in the order `geostage --help` lists them. Add a command here.
import type { Command } from '../command.ts';
import { app } from './app.ts';
import { apply } from './apply.ts';
import { check } from './check.ts';
import { exportCommand } from './export.ts';
import { generate } from './generate.ts';
import { hosts } from './hosts.ts';
import { lab } from './lab.ts';
import { measure } from './measure.ts';
import { plan } from './plan.ts';
import { reach } from './reach.ts';
import { scenario } from './scenario.ts';
import { secrets } from './secrets.ts';
import { synth } from './synth.ts';
import { validate } from './validate.ts';
import { verify } from './verify.ts';

export const COMMANDS: readonly Command[] = [
  validate,
  secrets,
  generate,
  check,
  reach,
  plan,
  hosts,
  apply,
  exportCommand,
  lab,
  verify,
  measure,
  app,
  scenario,
  synth,
];
