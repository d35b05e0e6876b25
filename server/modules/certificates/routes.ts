import { CsrRequest, RevokeRequest, SerialParams } from '../../../contracts/certificates.js';
import { AUTHENTICATED, PUBLIC, roles, route, type RouteSpec } from '../../kernel/http.js';
import type { CertificateService } from './service.js';

const PEM_TYPE = 'application/x-pem-file';

export function certificateRoutes(certificates: CertificateService): RouteSpec[] {
  return [
    route({
      method: 'post',
      path: '/api/certificates/csr',
      guard: AUTHENTICATED,
      summary: 'Issue my certificate from a CSR made on my side (subject must name me / my organisation); answers the certificate and its chain',
      body: CsrRequest,
      status: 201,
      handle: ({ actor, body }) => certificates.issueFromCsr(actor, body.csr),
    }),
    route({
      method: 'get',
      path: '/api/certificates',
      guard: AUTHENTICATED,
      summary: 'Certificates issued to me',
      handle: ({ actor }) => certificates.listMine(actor),
    }),
    route({
      method: 'post',
      path: '/api/certificates/:serial/revoke',
      guard: roles('admin'),
      summary: 'Revoke a certificate (audited); the CRL reflects it at once',
      params: SerialParams,
      body: RevokeRequest,
      handle: ({ actor, params, body }) => certificates.revoke(actor, params.serial, body.reason),
    }),
    route({
      method: 'get',
      path: '/api/ca/root',
      guard: PUBLIC,
      summary: 'The platform root CA certificate (PEM)',
      async handle({ res }) {
        res.type(PEM_TYPE).send(certificates.rootPem());
      },
    }),
    route({
      method: 'get',
      path: '/api/ca/chain',
      guard: PUBLIC,
      summary: 'The platform CA chain: issuing CA then root (PEM)',
      async handle({ res }) {
        res.type(PEM_TYPE).send(certificates.chainPem());
      },
    }),
    route({
      method: 'get',
      path: '/api/ca/crl',
      guard: PUBLIC,
      summary: 'The current certificate revocation list of the issuing CA (DER, application/pkix-crl)',
      async handle({ res }) {
        const der = await certificates.crlDer();
        res.set('Cache-Control', 'no-cache').type('application/pkix-crl').send(Buffer.from(der));
      },
    }),
  ];
}
