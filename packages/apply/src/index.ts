// @geostage/apply: executing an environment. Secrets are filled at upload; the plan says what
// would be uploaded and run where. Lab and verify export from here too.

export * from './plan/index.ts';
export { assertNoPlaceholders, type FillResult, fillSecrets, type PlaceholderCheck } from './secrets.ts';
