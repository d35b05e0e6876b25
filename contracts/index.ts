export * from './errors.js';
export * from './roles.js';
export * from './uscc.js';
export * from './values.js';
export * from './auth.js';
export * from './identity.js';
export * from './audit.js';
export * from './health.js';
