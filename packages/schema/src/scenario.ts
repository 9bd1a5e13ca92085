// A scenario: faults over time against one environment (environments/<env>/scenarios/<name>.yaml).
// One TypeBox definition gives the JSON Schema and the types; loadScenario checks a file like the
// topology (YAML with positions, the schema, then every name against the Model) and reports
// line-numbered Diagnostics in the house's format.
import { type Static, Type } from '@sinclair/typebox';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { LineCounter, parseDocument } from 'yaml';
import { scenarioFindings } from './checks/scenario.ts';
import { compareDiagnostics, type Diagnostic, hasErrors } from './diagnostics.ts';
import { findingDiagnostic } from './load.ts';
import type { Model } from './model.ts';
import { createLocator } from './positions.ts';
import { schemaFindings } from './schema-errors.ts';
import { WanValues } from './topology.ts';
import { documentValue, type EmptyDocument, yamlProblems } from './yaml-problems.ts';

const EMPTY_SCENARIO: EmptyDocument = {
  code: 'scenario-empty',
  needs: 'a scenario needs steps',
  start: 'start from a bundled one, e.g. environments/keio-2019/scenarios/site2-partition.yaml',
};

const strict = { additionalProperties: false } as const;

const Name = Type.String({
  pattern: '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$',
  description: 'A lower-case DNS label: letters, digits and inner hyphens, at most 63 characters.',
});
const TunnelName = Type.String({
  minLength: 1,
  description: 'A tunnel by its two sites, `siteA--siteB` (either order).',
});
const Seconds = Type.Number({ minimum: 0, description: 'Seconds.' });
const Sites = Type.Array(Name, { minItems: 1, description: 'Site names.' });

export const Partition = Type.Object(
  {
    sites: Sites,
    from: Type.Optional({
      ...Sites,
      description: 'The sites cut off from `sites`. Default: every other site.',
    }),
    mode: Type.Optional(
      Type.Union([Type.Literal('drop'), Type.Literal('reject')], {
        description:
          'drop: packets vanish (peers notice by timeout). reject: the underlay answers unreachable at once. Default drop.',
      }),
    ),
  },
  { ...strict, description: 'Drop the underlay paths between `sites` and `from`.' },
);

export const Heal = Type.Object(
  {
    sites: Type.Optional({
      ...Sites,
      description: 'Heal only partitions that cut these sites. Default: every one.',
    }),
  },
  { ...strict, description: 'Remove partitions.' },
);

export const RouterTarget = Type.Union(
  [
    Name,
    Type.Object(
      {
        router: Name,
        tunnel: Type.Optional({ ...TunnelName, description: 'Only the OpenVPN process of this tunnel.' }),
      },
      strict,
    ),
  ],
  { description: 'A router by name (all its tunnels), or { router, tunnel } for one OpenVPN process.' },
);

export const ServerTarget = Type.Union(
  [
    Name,
    Type.Object(
      {
        random: Type.Array(Name, {
          minItems: 1,
          description: 'Pick one of these servers with the scenario seed.',
        }),
      },
      strict,
    ),
  ],
  { description: 'A server by name, or { random: [servers] } for one picked with the seed.' },
);

export const WanChange = Type.Object(
  {
    sites: Type.Array(Name, { minItems: 2, maxItems: 2, description: 'The two sites, in any order.' }),
    ...WanValues,
  },
  {
    ...strict,
    description: 'New WAN values between two sites (delay and jitter in ms, loss in %, rate in Mbit/s).',
  },
);

export const Hold = Type.Union(
  [
    Seconds,
    Type.Object(
      { min: Seconds, max: Seconds },
      { ...strict, description: 'A hold picked with the scenario seed between min and max seconds.' },
    ),
  ],
  {
    description: 'How long the phase lasts once it began (and converged, with after: converged). Default 0.',
  },
);

/** The action keys of a step: exactly one per step (checks/scenario.ts). */
export const STEP_ACTIONS = [
  'partition',
  'heal',
  'tunnel-down',
  'tunnel-up',
  'router-stop',
  'router-start',
  'server-stop',
  'server-start',
  'wan',
  'repeat',
] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];

const stepFields = {
  partition: Type.Optional(Partition),
  heal: Type.Optional(Heal),
  'tunnel-down': Type.Optional({ ...TunnelName, description: 'Stop both OpenVPN ends of a tunnel.' }),
  'tunnel-up': Type.Optional({ ...TunnelName, description: 'Start both ends again.' }),
  'router-stop': Type.Optional(RouterTarget),
  'router-start': Type.Optional(RouterTarget),
  'server-stop': Type.Optional(ServerTarget),
  'server-start': Type.Optional({
    ...Name,
    description: 'A stopped server, or `stopped` for every stopped server.',
  }),
  wan: Type.Optional(WanChange),
  at: Type.Optional({ ...Seconds, description: 'Start this step at this offset from the scenario start.' }),
  after: Type.Optional(
    Type.Literal('converged', {
      description: 'Start this step once the previous phase measured as predicted (the default).',
    }),
  ),
  hold: Type.Optional(Hold),
  name: Type.Optional(
    Type.String({ minLength: 1, description: 'The phase name; default: the step described.' }),
  ),
};

export const Step = Type.Recursive(
  (This) =>
    Type.Object(
      {
        ...stepFields,
        repeat: Type.Optional(
          Type.Object(
            {
              times: Type.Integer({ minimum: 1, maximum: 100, description: 'How many times.' }),
              steps: Type.Array(This, { minItems: 1 }),
            },
            { ...strict, description: 'Repeat a block of steps.' },
          ),
        ),
      },
      { ...strict, description: 'One step: exactly one action, with its timing.' },
    ),
  { $id: 'Step' },
);

export const Scenario = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    name: Name,
    description: Type.Optional(Type.String()),
    seed: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: 'Seed for random choices; recorded in the results. Default 1.',
      }),
    ),
    converge: Type.Optional({
      ...Seconds,
      description: 'How long a phase may take to measure as predicted before it disagrees. Default 60.',
    }),
    steps: Type.Array(Step, { minItems: 1 }),
  },
  { ...strict, description: 'Faults over time against the environment.' },
);

export type Scenario = Static<typeof Scenario>;
export type ScenarioStep = Static<typeof Step>;

export function scenarioJsonSchema(): Record<string, unknown> {
  const plain = JSON.parse(JSON.stringify(Scenario)) as Record<string, unknown>;
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...plain };
}

export interface ScenarioLoadResult {
  /** Null when there is any error. */
  scenario: Scenario | null;
  diagnostics: Diagnostic[];
}

let validator: ValidateFunction | undefined;

function validate(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: false });
    validator = ajv.compile(scenarioJsonSchema());
  }
  return validator;
}

/** YAML, schema, then every name against `model`; `file` is the name diagnostics carry. */
export function loadScenario(text: string, file: string, model: Model): ScenarioLoadResult {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  // The same YAML stage as a topology's: tabs, duplicate keys, alias bombs and empty files.
  const yamlDiagnostics = yamlProblems(document, lineCounter, file);
  if (hasErrors(yamlDiagnostics))
    return { scenario: null, diagnostics: yamlDiagnostics.sort(compareDiagnostics) };
  const value = documentValue(document, lineCounter, text, file, EMPTY_SCENARIO);
  if (!value.ok)
    return { scenario: null, diagnostics: [...yamlDiagnostics, value.diagnostic].sort(compareDiagnostics) };
  const data = value.data;
  const locator = createLocator(document, lineCounter);
  const check = validate();
  const findings = check(data)
    ? scenarioFindings(data as Scenario, model)
    : schemaFindings(check.errors ?? [], data);
  const diagnostics = [
    ...yamlDiagnostics,
    ...findings.map((finding) => findingDiagnostic(finding, file, locator)),
  ].sort(compareDiagnostics);
  return { scenario: hasErrors(diagnostics) ? null : (data as Scenario), diagnostics };
}
