/** The server writes files the same way crypto/'s Node side does: complete or absent. */
export { writeFileAtomic } from '../../crypto/node/files.js';
