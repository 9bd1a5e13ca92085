// A property computed the first time it is read: enumerable like any other (JSON, structuredClone
// and toEqual see its value), and assignable. For the parts of the Model that are quadratic in
// sites (every site's route to every remote LAN, every site pair's WAN path) and that most
// commands never read.
export function lazy<T extends object, K extends keyof T>(target: T, key: K, compute: () => T[K]): void {
  let value: T[K] | undefined;
  let known = false;
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get: () => {
      if (!known) {
        value = compute();
        known = true;
      }
      return value as T[K];
    },
    set: (next: T[K]) => {
      value = next;
      known = true;
    },
  });
}
