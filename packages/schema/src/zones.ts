// Zone matrices: measured round trips between named zones (cloud regions), shipped as data
// with their source and date, so that a topology can say "this site is in japan-east".
export interface ZoneMatrix {
  name: string;
  /** What was measured, in words. */
  measured: string;
  /** Where the numbers were read. */
  source: string;
  /** The last day of the measurement window (ISO date). */
  date: string;
  zones: readonly string[];
  /** Round-trip times in ms: row = source zone, column = destination zone, null on the diagonal. */
  rttMs: readonly (readonly (number | null)[])[];
}

// Copied from the published tables (source row, destination column) for 13 of its regions;
// the page names them "East US", "West US 2", ...; here they are lower-case with hyphens.
const AZURE_2024_06: ZoneMatrix = {
  name: 'azure-2024-06',
  measured:
    'Azure inter-region round-trip latency, monthly P50 over the 30 days ending 2024-06-19 (dataset taken 2024-06-20)',
  source: 'https://learn.microsoft.com/en-us/azure/networking/azure-network-latency',
  date: '2024-06-19',
  zones: [
    'east-us',
    'west-us-2',
    'central-us',
    'brazil-south',
    'north-europe',
    'west-europe',
    'uk-south',
    'germany-west-central',
    'japan-east',
    'japan-west',
    'southeast-asia',
    'australia-east',
    'central-india',
  ],
  rttMs: [
    // east-us
    [null, 66, 31, 116, 87, 89, 77, 96, 169, 175, 233, 201, 200],
    // west-us-2
    [69, null, 39, 184, 155, 154, 147, 160, 100, 107, 165, 162, 214],
    // central-us
    [33, 39, null, 149, 113, 118, 104, 126, 137, 144, 202, 174, 233],
    // brazil-south
    [119, 183, 149, null, 189, 186, 179, 199, 278, 280, 344, 317, 307],
    // north-europe
    [88, 152, 112, 187, null, 19, 13, 28, 252, 257, 198, 290, 146],
    // west-europe
    [90, 154, 119, 185, 20, null, 10, 12, 250, 253, 190, 286, 136],
    // uk-south
    [79, 146, 104, 179, 14, 11, null, 19, 244, 249, 189, 281, 133],
    // germany-west-central
    [96, 157, 123, 197, 27, 11, 17, null, 250, 261, 188, 296, 134],
    // japan-east
    [170, 100, 137, 278, 253, 251, 244, 252, null, 11, 73, 104, 122],
    // japan-west
    [177, 107, 144, 281, 259, 254, 249, 263, 12, null, 73, 110, 129],
    // southeast-asia
    [234, 163, 200, 343, 198, 190, 188, 189, 72, 75, null, 95, 55],
    // australia-east
    [201, 161, 174, 316, 291, 287, 280, 296, 103, 110, 91, null, 147],
    // central-india
    [203, 212, 231, 307, 146, 135, 131, 135, 121, 128, 55, 147, null],
  ],
};

export const ZONE_MATRICES: readonly ZoneMatrix[] = [AZURE_2024_06];

export function zoneMatrix(name: string): ZoneMatrix | undefined {
  return ZONE_MATRICES.find((matrix) => matrix.name === name);
}

/**
 * One-way delay between two zones: the mean of the two measured directions, halved. Null when
 * either zone is not in the matrix or the two are the same zone.
 */
export function zoneDelayMs(matrix: ZoneMatrix, from: string, to: string): number | null {
  const a = matrix.zones.indexOf(from);
  const b = matrix.zones.indexOf(to);
  if (a < 0 || b < 0 || a === b) return null;
  const there = matrix.rttMs[a]![b];
  const back = matrix.rttMs[b]![a];
  if (there === null || there === undefined || back === null || back === undefined) return null;
  return (there + back) / 4;
}
