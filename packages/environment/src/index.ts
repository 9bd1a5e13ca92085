// @geostage/environment: the environments/<env>/ folder: paths, loading, generators, writer, results.
export {};
