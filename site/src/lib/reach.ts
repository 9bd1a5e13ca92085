// The adapter to @geostage/reach: generated network files in, the site's Reachability out.
import type { Model } from '@geostage/schema';
import type { SiteFile } from './files.ts';
import type { Reachability } from './reachability.ts';

/** Reachability computed from generated/network alone, or a message saying why it could not be. */
export async function computedReachability(
  _model: Model,
  _files: readonly SiteFile[],
): Promise<Reachability | string | null> {
  // @geostage/reach is not written yet: the caller falls back to the Model's intent.
  return null;
}
