export { IdentityService, organisationView, type NewUser, type ClientFacts } from './service.js';
export { identityRoutes } from './routes.js';
export { RegionTree } from './regions.js';
export { hashPassword, verifyPassword } from './passwords.js';
