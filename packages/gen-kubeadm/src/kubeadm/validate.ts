// Validates a generated kubeadm.yaml the way a node would receive it: placeholders filled
// (as apply fills them), every document checked against the JSON Schema of its kubeadm API
// version (schema/v1beta3.json, schema/v1beta4.json, written from the upstream Go types).

import { kubeadmSecretNames, SECRET_PLACEHOLDER } from '@geostage/secrets';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { parseAllDocuments } from 'yaml';
import type { KubeadmApi } from './api.ts';
import v1beta3 from './schema/v1beta3.json' with { type: 'json' };
import v1beta4 from './schema/v1beta4.json' with { type: 'json' };

export interface KubeadmProblem {
  /** Index of the document in the file, from 0. */
  document: number;
  kind: string;
  /** JSON pointer into the document. */
  path: string;
  message: string;
}

/** Values of the right shape for each kubeadm secret, for checks that run without real secrets. */
export const DUMMY_SECRETS: Readonly<Record<string, string>> = {
  [kubeadmSecretNames.bootstrapToken]: 'abcdef.0123456789abcdef',
  [kubeadmSecretNames.caCertHash]: `sha256:${'0123456789abcdef'.repeat(4)}`,
  [kubeadmSecretNames.certificateKey]: 'fedcba9876543210'.repeat(4),
};

const SCHEMAS: Record<KubeadmApi, object> = {
  'kubeadm.k8s.io/v1beta3': v1beta3,
  'kubeadm.k8s.io/v1beta4': v1beta4,
};

const validators = new Map<KubeadmApi, ValidateFunction>();

function validatorFor(api: KubeadmApi): ValidateFunction {
  let validator = validators.get(api);
  if (!validator) {
    validator = new Ajv2020({ allErrors: true, strict: true, strictRequired: false }).compile(SCHEMAS[api]);
    validators.set(api, validator);
  }
  return validator;
}

function describe(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') {
    return `unknown field "${(error.params as { additionalProperty: string }).additionalProperty}"`;
  }
  return error.message ?? error.keyword;
}

export function validateKubeadmFile(
  text: string,
  secrets: Readonly<Record<string, string>> = DUMMY_SECRETS,
): KubeadmProblem[] {
  const problems: KubeadmProblem[] = [];
  const filled = text.replace(SECRET_PLACEHOLDER, (placeholder, name: string) => {
    const value = secrets[name];
    if (value === undefined)
      problems.push({ document: -1, kind: '', path: '', message: `no value for ${placeholder}` });
    return value ?? placeholder;
  });
  const documents = parseAllDocuments(filled);
  if (!Array.isArray(documents)) return [{ document: -1, kind: '', path: '', message: 'no YAML documents' }];
  const objects = documents.map((document) => document.toJS() as Record<string, unknown> | null);
  const api = objects
    .map((object) => object?.apiVersion)
    .find((version): version is KubeadmApi => typeof version === 'string' && version in SCHEMAS);
  if (!api)
    return [
      ...problems,
      { document: -1, kind: '', path: '', message: 'no kubeadm.k8s.io/v1beta3 or v1beta4 document' },
    ];
  const validate = validatorFor(api);
  objects.forEach((object, index) => {
    const kind = typeof object?.kind === 'string' ? object.kind : '';
    const errors = documents[index]!.errors;
    if (errors.length > 0) {
      problems.push(...errors.map((error) => ({ document: index, kind, path: '', message: error.message })));
      return;
    }
    if (!validate(object)) {
      // if/then wrappers repeat the real error; keep the errors that point at a field.
      const real = (validate.errors ?? []).filter((error) => error.keyword !== 'if');
      problems.push(
        ...real.map((error) => ({
          document: index,
          kind,
          path: error.instancePath,
          message: describe(error),
        })),
      );
    }
  });
  return problems;
}
