export * from './diagnostics.ts';
export type * from './model.ts';
export * from './topology.ts';
export * from './tunnels.ts';
