// One VyOS router: its sections in reading order, then both renderings of them.
import { type GeneratedFile, generatedHeader, type Model, type ModelSite } from '@geostage/schema';
import type { PublicMaterial } from '@geostage/secrets';
import { configBoot } from './boot.ts';
import type { Section } from './command.ts';
import { routerContext } from './context.ts';
import { emulationSection } from './emulation.ts';
import { firewallSection } from './firewall.ts';
import { lanSection, wanSection } from './interfaces.ts';
import { mssSection } from './mss.ts';
import { natSection } from './nat.ts';
import { openvpnSections } from './openvpn.ts';
import { pkiSection } from './pki.ts';
import { routeSection } from './routes.ts';
import { setScript } from './script.ts';
import { systemSection } from './system.ts';
import type { VyosLine } from './versions.ts';

export interface RouterOutput {
  sections: Section[];
  files: GeneratedFile[];
  warnings: string[];
}

export function vyosSections(
  model: Model,
  site: ModelSite,
  line: VyosLine,
  material: PublicMaterial,
): { sections: Section[]; warnings: string[] } {
  const context = routerContext(model, site, line, material);
  const pki = pkiSection(context);
  const openvpn = openvpnSections(context);
  const emulation = emulationSection(context);
  const sections = [
    systemSection(context),
    wanSection(context),
    lanSection(context),
    pki.section,
    ...openvpn.sections,
    routeSection(context),
    natSection(context),
    firewallSection(context),
    mssSection(context),
    emulation.section,
  ].filter((section): section is Section => section !== null && section.commands.length > 0);
  return { sections, warnings: [...pki.warnings, ...openvpn.warnings, ...emulation.warnings] };
}

export function vyosRouter(
  model: Model,
  site: ModelSite,
  line: VyosLine,
  material: PublicMaterial,
): RouterOutput {
  const { sections, warnings } = vyosSections(model, site, line, material);
  const router = site.router;
  const what = `VyOS ${line} configuration of router ${router.name} (site ${site.name})`;
  const folder = `routers/${router.name}`;
  const setFile: GeneratedFile = {
    path: `${folder}/config.set`,
    content: setScript(
      [
        generatedHeader(model.source, '').trimStart(),
        `${what}, as \`set\` commands.`,
        'Run inside `configure`, then `commit` and `save`; config.boot beside it holds the same configuration.',
        // Worded so that it is not itself a placeholder (apply refuses a file with one left unfilled).
        'Each @secret:<name>@ placeholder is filled by apply from environments/<env>/secrets/<name> at upload time.',
      ],
      sections,
    ),
    mode: 0o644,
  };
  const bootFile: GeneratedFile = {
    path: `${folder}/config.boot`,
    content: configBoot(
      sections.flatMap((section) => section.commands),
      line,
      [generatedHeader(model.source, '').trimStart(), `${what}, as config.boot.`],
    ),
    mode: 0o644,
  };
  return { sections, files: [bootFile, setFile], warnings };
}
