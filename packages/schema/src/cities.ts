// Known cities, so that a site can say `location: { city: tokyo }` instead of coordinates.
// City-centre coordinates in decimal degrees (rounded to 0.01, about 1 km: far below what
// matters for WAN delay).
export interface City {
  latitude: number;
  longitude: number;
}

export const CITIES: Readonly<Record<string, City>> = {
  amsterdam: { latitude: 52.37, longitude: 4.9 },
  berlin: { latitude: 52.52, longitude: 13.4 },
  chicago: { latitude: 41.88, longitude: -87.63 },
  dublin: { latitude: 53.35, longitude: -6.26 },
  frankfurt: { latitude: 50.11, longitude: 8.68 },
  'hong-kong': { latitude: 22.32, longitude: 114.17 },
  johannesburg: { latitude: -26.2, longitude: 28.05 },
  london: { latitude: 51.51, longitude: -0.13 },
  'los-angeles': { latitude: 34.05, longitude: -118.24 },
  mumbai: { latitude: 19.08, longitude: 72.88 },
  'new-york': { latitude: 40.71, longitude: -74.01 },
  osaka: { latitude: 34.69, longitude: 135.5 },
  paris: { latitude: 48.86, longitude: 2.35 },
  'sao-paulo': { latitude: -23.55, longitude: -46.63 },
  seattle: { latitude: 47.61, longitude: -122.33 },
  seoul: { latitude: 37.57, longitude: 126.98 },
  singapore: { latitude: 1.35, longitude: 103.82 },
  stockholm: { latitude: 59.33, longitude: 18.07 },
  sydney: { latitude: -33.87, longitude: 151.21 },
  tokyo: { latitude: 35.68, longitude: 139.69 },
  toronto: { latitude: 43.65, longitude: -79.38 },
};

/** Great-circle distance in km (haversine, mean Earth radius 6371 km). */
export function greatCircleKm(a: City, b: City): number {
  const radians = (degrees: number) => (degrees * Math.PI) / 180;
  const dLat = radians(b.latitude - a.latitude);
  const dLon = radians(b.longitude - a.longitude);
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(radians(a.latitude)) * Math.cos(radians(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}
