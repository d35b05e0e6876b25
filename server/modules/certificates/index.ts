export { CertificateService, certificateView, openPlatformSignature, type UsableOptions, type UsableCertificate } from './service.js';
export { certificateRoutes } from './routes.js';
