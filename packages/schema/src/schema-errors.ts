// Turns ajv's errors into findings a person can act on. TypeBox unions become `anyOf`, for
// which ajv reports every branch's failure; we pick the branch the user meant (by a
// discriminating `os`/`type` const, or by the value's type) and report only its problems.
import type { ErrorObject } from 'ajv/dist/2020.js';
import { distance as levenshtein } from 'fastest-levenshtein';
import type { Finding } from './checks/finding.ts';
import type { YamlPath } from './positions.ts';

// biome-ignore lint/suspicious/noExplicitAny: schema objects and ajv params are read structurally
type Schema = Record<string, any>;

const PATTERNS: Record<string, string> = {
  '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$':
    'a lower-case DNS label: letters, digits and inner hyphens, at most 63 characters',
  '^[A-Za-z][A-Za-z0-9._-]{0,14}$':
    'an interface name: a letter, then letters, digits, ".", "_" or "-", at most 15 characters',
  '^1\\.[0-9]+\\.[0-9]+$': 'a Kubernetes version such as 1.32.4',
  '^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$':
    'a port name: lower-case letters, digits and inner hyphens, at most 15 characters',
};

export function schemaFindings(errors: readonly ErrorObject[], data: unknown): Finding[] {
  const all = collapse(errors, data);
  // A misspelt key is one mistake, not two: drop "missing address" when "adress" is reported.
  const findings = all.filter((finding) => {
    if (finding.code !== 'schema-required') return true;
    const missing = /"([^"]+)"$/.exec(finding.message)?.[1];
    return !all.some(
      (other) =>
        other.code === 'schema-unknown-key' &&
        other.path.length === finding.path.length + 1 &&
        finding.path.every((part, i) => other.path[i] === part) &&
        other.hint.startsWith(`did you mean "${missing}"?`),
    );
  });
  // Never the same problem twice (ajv can reach one node through several schema paths).
  const seen = new Set<string>();
  return findings.filter((finding) => {
    const key = `${finding.code} ${finding.path.join('/')} ${finding.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function collapse(errors: readonly ErrorObject[], data: unknown): Finding[] {
  const out: Finding[] = [];
  const consumed = new Set<ErrorObject>();
  const unions = errors
    .filter((error) => error.keyword === 'anyOf')
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const union of unions) {
    if (consumed.has(union)) continue;
    const group = errors.filter((error) => error !== union && inUnion(union, error));
    consumed.add(union);
    for (const error of group) consumed.add(error);
    out.push(...resolveUnion(union, group, data));
  }
  for (const error of errors) {
    if (!consumed.has(error)) out.push(...single(error, data));
  }
  return out;
}

function inUnion(union: ErrorObject, error: ErrorObject): boolean {
  return (
    error.schemaPath.startsWith(`${union.schemaPath}/`) &&
    (error.instancePath === union.instancePath || error.instancePath.startsWith(`${union.instancePath}/`))
  );
}

function resolveUnion(union: ErrorObject, group: ErrorObject[], data: unknown): Finding[] {
  const branches = union.schema as Schema[];
  const value = union.data;
  const path = toPath(union.instancePath, data);
  const branchErrors = (index: number) =>
    group.filter((error) => error.schemaPath.startsWith(`${union.schemaPath}/${index}/`));
  const description = (union.parentSchema as Schema | undefined)?.description as string | undefined;

  if (branches.every((branch) => 'const' in branch)) {
    return [
      enumFinding(
        path,
        value,
        branches.map((branch) => branch.const),
        description,
      ),
    ];
  }

  const discriminator = discriminatorOf(branches);
  if (discriminator && isObject(value)) {
    const allowed = branches.map((branch) => branch.properties[discriminator].const);
    const chosen = value[discriminator];
    if (chosen === undefined) {
      return [
        {
          severity: 'error',
          code: 'schema-required',
          path,
          message: `${label(path)} is missing required key "${discriminator}"`,
          hint: `add ${discriminator}: one of ${allowed.map(show).join(', ')}`,
        },
      ];
    }
    const index = allowed.indexOf(chosen);
    if (index < 0) {
      return [
        enumFinding(
          [...path, discriminator],
          chosen,
          allowed,
          `use ${allowed.map((v) => `${discriminator}: ${show(v)}`).join(' or ')}`,
        ),
      ];
    }
    return collapse(branchErrors(index), data);
  }

  const compatible = branches
    .map((branch, index) => ({ branch, index }))
    .filter(({ branch }) => accepts(branch, value));
  if (compatible.length === 1 && !('const' in compatible[0]!.branch)) {
    return collapse(branchErrors(compatible[0]!.index), data);
  }
  if (isObject(value)) {
    const fitting = compatible.filter(({ branch }) =>
      ((branch.required as string[] | undefined) ?? []).every((key) => key in value),
    );
    const onlyKeys = fitting.filter(
      ({ index }) => !branchErrors(index).some((e) => e.keyword === 'additionalProperties'),
    );
    const pick = fitting.length === 1 ? fitting[0] : onlyKeys.length === 1 ? onlyKeys[0] : undefined;
    if (pick) return collapse(branchErrors(pick.index), data);
  }
  const forms = branches.map(describe);
  const alternatives = `${forms.slice(0, -1).join(', ')} or ${forms[forms.length - 1]}`;
  if (isObject(value)) {
    return [
      {
        severity: 'error',
        code: 'schema-value',
        path,
        message: `${label(path)} must be ${alternatives}`,
        hint: description ?? `write ${alternatives}`,
      },
    ];
  }
  return [
    {
      severity: 'error',
      code: compatible.length === 0 ? 'schema-type' : 'schema-value',
      path,
      message: `${label(path)} must be ${alternatives}, not ${showData(value)}`,
      hint: description ?? `write ${forms.join(' or ')}`,
    },
  ];
}

function single(error: ErrorObject, data: unknown): Finding[] {
  const path = toPath(error.instancePath, data);
  const schema = (error.parentSchema ?? {}) as Schema;
  const description = schema.description as string | undefined;
  const params = error.params as Schema;
  const base = { severity: 'error' as const, path };
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys(schema.properties ?? {}).filter((name) => name !== '$schema');
      const guess = closest(key, allowed);
      return [
        {
          ...base,
          code: 'schema-unknown-key',
          path: [...path, key],
          key: true,
          message: `unknown key "${key}" in ${label(path)}`,
          hint: `${guess ? `did you mean "${guess}"? ` : ''}allowed keys: ${allowed.join(', ')}`,
        },
      ];
    }
    case 'required': {
      const key = String(params.missingProperty);
      const property = (schema.properties?.[key] ?? {}) as Schema;
      return [
        {
          ...base,
          code: 'schema-required',
          message: `${label(path)} is missing required key "${key}"`,
          hint: `add ${key}${property.description ? `: ${lowerFirst(property.description)}` : ''}`,
        },
      ];
    }
    case 'type': {
      const expected = String(params.type);
      const value = error.data;
      const quote =
        expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')
          ? `quote it ("${String(value)}"): YAML reads it unquoted as a ${typeof value}`
          : undefined;
      return [
        {
          ...base,
          code: 'schema-type',
          message: `${label(path)} must be ${typeName(expected)}, not ${showData(value)}`,
          hint:
            path.length === 0
              ? 'start from an example, e.g. environments/keio-2019/topology.yaml'
              : (quote ??
                (expected === 'array' && value !== null && typeof value !== 'object'
                  ? `write it as a list: [${String(value)}]`
                  : (description ?? `write ${typeName(expected)}`))),
        },
      ];
    }
    case 'const':
      return [enumFinding(path, error.data, [params.allowedValue], description)];
    case 'enum':
      return [enumFinding(path, error.data, params.allowedValues as unknown[], description)];
    case 'pattern': {
      const meaning = PATTERNS[String(params.pattern)];
      return [
        {
          ...base,
          code: 'schema-value',
          message: `${label(path)} ${showData(error.data)} is not ${meaning ?? `matching ${params.pattern}`}`,
          hint:
            description && !meaning
              ? description
              : `write ${meaning ?? `a value matching ${params.pattern}`}`,
        },
      ];
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const words: Record<string, string> = {
        minimum: 'at least',
        maximum: 'at most',
        exclusiveMinimum: 'more than',
        exclusiveMaximum: 'less than',
      };
      const range = rangeText(schema);
      return [
        {
          ...base,
          code: 'schema-value',
          message: `${label(path)} must be ${words[error.keyword]} ${params.limit}, not ${showData(error.data)}`,
          hint: description ?? `use ${range}`,
        },
      ];
    }
    case 'minItems':
    case 'maxItems': {
      const limit = Number(params.limit);
      const word = error.keyword === 'minItems' ? 'at least' : 'at most';
      return [
        {
          ...base,
          code: 'schema-value',
          message: `${label(path)} must have ${word} ${limit} item${limit === 1 ? '' : 's'}, has ${Array.isArray(error.data) ? error.data.length : 0}`,
          hint: description ?? `list ${word} ${limit}`,
        },
      ];
    }
    case 'uniqueItems': {
      const [first, later] = [Number(params.j), Number(params.i)].sort((a, b) => a - b) as [number, number];
      return [
        {
          ...base,
          code: 'schema-value',
          path: [...path, later],
          message: `${label(path)} lists ${showData((error.data as unknown[])[later])} twice (items ${first} and ${later})`,
          hint: 'remove the repeated item',
        },
      ];
    }
    case 'minLength':
      return [
        {
          ...base,
          code: 'schema-value',
          message: `${label(path)} must not be empty`,
          hint: description ?? 'write a value',
        },
      ];
    default:
      return [
        {
          ...base,
          code: 'schema-value',
          message: `${label(path)} ${error.message ?? 'is not valid'}`,
          hint: description ?? 'see packages/schema/topology.schema.json',
        },
      ];
  }
}

function enumFinding(
  path: YamlPath,
  value: unknown,
  allowed: unknown[],
  description: string | undefined,
): Finding {
  const numeric =
    typeof value === 'number' && allowed.some((item) => typeof item === 'string' && item === String(value));
  return {
    severity: 'error',
    code: 'schema-enum',
    path,
    message: `${label(path)} must be ${allowed.length === 1 ? show(allowed[0]) : `one of ${allowed.map(show).join(', ')}`}, not ${showData(value)}`,
    hint: numeric
      ? `quote it ("${String(value)}"): YAML reads it unquoted as a number`
      : (description ?? `use ${allowed.map(show).join(' or ')}`),
  };
}

/** A property every branch pins with a const: `os` for routers, `type` for policies. */
function discriminatorOf(branches: Schema[]): string | undefined {
  const first = branches[0]?.properties as Schema | undefined;
  if (!first) return undefined;
  return Object.keys(first).find((key) =>
    branches.every((branch) => branch.properties?.[key] && 'const' in branch.properties[key]),
  );
}

function accepts(branch: Schema, value: unknown): boolean {
  const type = 'const' in branch ? jsonType(branch.const) : (branch.type as string | undefined);
  if (!type) return true;
  const actual = jsonType(value);
  return type === actual || (type === 'number' && actual === 'integer');
}

function jsonType(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function describe(branch: Schema): string {
  if ('const' in branch) return show(branch.const);
  if (branch.type === 'object') {
    const required = (branch.required as string[] | undefined) ?? [];
    return required.length ? `a mapping with ${required.join(' and ')}` : 'a mapping';
  }
  if (branch.type === 'integer' || branch.type === 'number') {
    return `${branch.type === 'integer' ? 'an integer' : 'a number'}${rangeText(branch) === 'any' ? '' : ` ${rangeText(branch)}`}`;
  }
  return typeName(String(branch.type));
}

function rangeText(schema: Schema): string {
  const { minimum, maximum } = schema;
  if (minimum !== undefined && maximum !== undefined) return `from ${minimum} to ${maximum}`;
  if (minimum !== undefined) return `${minimum} or more`;
  if (maximum !== undefined) return `${maximum} or less`;
  return 'any';
}

function typeName(type: string): string {
  const names: Record<string, string> = {
    object: 'a mapping (key: value)',
    array: 'a list',
    string: 'a string',
    integer: 'an integer',
    number: 'a number',
    boolean: 'true or false',
    null: 'empty',
  };
  return names[type] ?? type;
}

/** Allowed values as the user would write them; a string that reads as a number is quoted. */
function show(value: unknown): string {
  if (typeof value === 'string') return /^[\d.]+$/.test(value) ? `"${value}"` : value;
  return JSON.stringify(value);
}

function showData(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

function label(path: YamlPath): string {
  if (path.length === 0) return 'the topology';
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out ? `.${part}` : part;
  return out;
}

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON pointer as a YAML path; array indexes become numbers. */
export function toPath(pointer: string, data: unknown): YamlPath {
  if (pointer === '') return [];
  const out: (string | number)[] = [];
  let node: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      out.push(Number(part));
      node = node[Number(part)];
    } else {
      out.push(part);
      node = isObject(node) ? node[part] : undefined;
    }
  }
  return out;
}

/** The allowed key nearest to a misspelt one, when it is near enough to be a likely typo. */
function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = levenshtein(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
