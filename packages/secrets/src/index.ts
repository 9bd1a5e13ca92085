// @geostage/secrets: every secret: names, placeholders, public material, filling at upload, secrets init.
export { assertNoPlaceholders, type FillResult, fillSecrets, type PlaceholderCheck } from './fill.ts';
export { fingerprint, type KeyType } from './init/certificates.ts';
export type { SecretFolders, SecretsReport } from './init/files.ts';
export { type SecretsInitOptions, type SecretsInitResult, secretsInit } from './init/init.ts';
export { staticKey, staticKeyHex } from './init/static-key.ts';
export {
  BOOTSTRAP_TOKEN,
  CERTIFICATE_KEY,
  ensureKubeadmSecrets,
  type KubeadmSecretsResult,
  newBootstrapToken,
  newCertificateKey,
} from './kubeadm.ts';
export { kubeadmSecretNames, publicNames, secretNames, secretRecipe } from './names.ts';
export { pemBody } from './pem.ts';
export { placeholdersIn, SECRET_PLACEHOLDER, secretPlaceholder } from './placeholders.ts';
export { NO_MATERIAL, type PublicMaterial, type RouterMaterial, readPublicMaterial } from './public.ts';
