// @geostage/apply: executing an environment. The plan says what would be uploaded and run
// where; secrets are filled at upload (@geostage/secrets).

export * from './plan/index.ts';
