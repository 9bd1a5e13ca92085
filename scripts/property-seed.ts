// Vitest setup for the packages with property tests (fast-check): the same seed on every run,
// so that a suite passes or fails on its code and not on the cases a run happened to draw. A
// failure prints the seed and the counterexample as before. To explore new cases:
//   GEOSTAGE_PROPERTY_SEED=random npx vitest run packages/schema
// or any number for those cases again.
import fc from 'fast-check';

const asked = process.env.GEOSTAGE_PROPERTY_SEED;
if (asked !== 'random') {
  const seed = asked === undefined ? 20_261_202 : Number(asked);
  if (!Number.isInteger(seed))
    throw new Error(`GEOSTAGE_PROPERTY_SEED must be an integer or "random", not "${asked}"`);
  fc.configureGlobal({ seed });
}
