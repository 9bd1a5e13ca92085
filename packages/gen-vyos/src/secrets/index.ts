export { fingerprint, type KeyType, pemBody } from './certificates.ts';
export { type SecretsInitOptions, type SecretsInitResult, type SecretsReport, secretsInit } from './init.ts';
export { publicNames, secretNames } from './names.ts';
export { staticKey, staticKeyHex } from './static-key.ts';
