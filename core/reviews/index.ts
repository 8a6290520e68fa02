export * from './schema.js';
export * from './direction.js';
