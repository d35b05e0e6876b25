export * from './canonical-json.js';
export * from './digest.js';
export * from './hash-chain.js';
