// @geostage/measure: measured views (verify reachability), compared with the computed ones.
export {};
