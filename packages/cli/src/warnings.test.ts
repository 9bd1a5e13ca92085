import { describe, expect, it } from 'vitest';
import { foldWarnings } from './warnings.ts';

describe('foldWarnings', () => {
  it('says one warning about many routers once, with the count and the first names', () => {
    const warnings = Array.from(
      { length: 1000 },
      (_, index) => `router rs${index}: no certificate in public/rs${index}.crt yet; run secrets init`,
    );
    expect(foldWarnings(warnings)).toEqual([
      '1000 routers (rs0, rs1, rs2 and 997 more): no certificate in public/<router>.crt yet; run secrets init',
    ]);
  });

  it('keeps a few of one warning as they are, each kind where it first came', () => {
    expect(
      foldWarnings([
        'router a: no CA yet',
        'something else',
        'router b: no CA yet',
        'router a: VyOS 1.2 cannot pin cipher X',
      ]),
    ).toEqual([
      'router a: no CA yet',
      'router b: no CA yet',
      'something else',
      'router a: VyOS 1.2 cannot pin cipher X',
    ]);
  });
});
