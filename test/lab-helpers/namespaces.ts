// The namespace helpers moved to the lab (packages/apply/src/lab/namespaces.ts); real-tool
// tests keep importing them from here.
export {
  inside,
  Namespaces,
  namespaceSupport,
  run,
  waitFor,
} from '../../packages/apply/src/lab/namespaces.ts';
