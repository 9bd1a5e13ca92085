// @geostage/secrets: every secret: names, placeholders, filling at upload, secrets init.
// TEMPORARY (helper H2's branch): the fill still lives in packages/apply/src/secrets.ts until
// helper H1's packages/secrets lands; the lead replaces this file with H1's at merge.
export {
  assertNoPlaceholders,
  type FillResult,
  fillSecrets,
  type PlaceholderCheck,
} from '../../apply/src/secrets.ts';
