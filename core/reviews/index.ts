export * from './schema.js';
export * from './direction.js';
export * from './cadence.js';
