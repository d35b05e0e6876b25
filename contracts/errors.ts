/**
 * Stable, machine-readable error codes. Every error a client can cause maps to one of these; the
 * server renders them as RFC 9457 problem+json (`application/problem+json`) with `code` set.
 * Clients switch on `code`, never on `title` or `detail`.
 */
export const ERROR_CODES = {
  // request shape (kernel)
  MALFORMED_JSON: { status: 400, title: 'Request body is not valid JSON' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Request body must be application/json' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Request body is too large' },
  VALIDATION_FAILED: { status: 400, title: 'Request failed validation' },
  ROUTE_NOT_FOUND: { status: 404, title: 'No such route' },
  NOT_FOUND: { status: 404, title: 'Resource not found' },
  CONFLICT: { status: 409, title: 'Conflicts with the current state' },
  // authentication and authorisation
  AUTH_REQUIRED: { status: 401, title: 'Authentication required' },
  AUTH_INVALID_CREDENTIALS: { status: 401, title: 'Wrong username or password' },
  AUTH_SESSION_EXPIRED: { status: 401, title: 'Session expired or logged out' },
  AUTH_ACCOUNT_DISABLED: { status: 403, title: 'Account is disabled' },
  AUTH_THROTTLED: { status: 429, title: 'Too many failed logins; try again later' },
  CSRF_FAILED: { status: 403, title: 'Missing or wrong CSRF token' },
  FORBIDDEN_ROLE: { status: 403, title: 'Your role may not do this' },
  FORBIDDEN_REGION: { status: 403, title: 'Outside your region' },
  NOT_PARTICIPANT: { status: 403, title: 'You have no part in this (your role may, but not on this trade, committee or record)' },
  // identity values
  USCC_MALFORMED: { status: 400, title: 'Not a unified social credit code (统一社会信用代码)' },
  USCC_BAD_CHECK_DIGIT: { status: 400, title: 'Wrong check digit in unified social credit code (GB 32100-2015)' },
  USCC_TAKEN: { status: 409, title: 'An organisation with this unified social credit code exists' },
  DIVISION_CODE_INVALID: { status: 400, title: 'Not an administrative division code (行政区划代码)' },
  REGION_UNKNOWN: { status: 400, title: 'Unknown region' },
  USERNAME_TAKEN: { status: 409, title: 'Username is taken' },
  // certificates (codes shared with crypto/errors.ts)
  CSR_INVALID: { status: 400, title: 'Certificate request is malformed or its signature does not verify' },
  PEM_MALFORMED: { status: 400, title: 'Not a well-formed PEM object' },
  CERT_MALFORMED: { status: 400, title: 'Not a well-formed X.509 certificate' },
  CRL_MALFORMED: { status: 400, title: 'Not a well-formed certificate revocation list' },
  CRL_INVALID: { status: 403, title: 'Certificate revocation list is not signed by its issuer' },
  CERT_SUBJECT_MISMATCH: { status: 403, title: 'Certificate subject does not match the holder' },
  CERT_EXPIRED: { status: 403, title: 'Certificate has expired' },
  CERT_NOT_YET_VALID: { status: 403, title: 'Certificate is not valid yet' },
  CERT_REVOKED: { status: 403, title: 'Certificate has been revoked' },
  CERT_UNTRUSTED: { status: 403, title: 'Certificate does not chain to a trusted root' },
  CERT_WRONG_USAGE: { status: 403, title: 'Certificate may not be used for this' },
  CERT_ALREADY_REVOKED: { status: 409, title: 'Certificate is already revoked' },
  // trades and their lifecycle
  TRADE_WRONG_STATE: { status: 409, title: 'The trade is not in a state that allows this' },
  TRANSITION_UNKNOWN: { status: 404, title: 'No such transition for this trade method' },
  TRANSITION_FORBIDDEN: { status: 403, title: 'Your role may not fire this transition' },
  METHOD_NOT_ALLOWED: { status: 400, title: 'This procurement method is not available for this kind of trade' },
  DEADLINE_TOO_EARLY: { status: 422, title: 'The deadline is earlier than the statutory minimum period allows' },
  DOCUMENT_PERIOD_TOO_SHORT: { status: 422, title: 'Tender documents are available for less than the statutory minimum period' },
  BID_SECURITY_TOO_HIGH: { status: 422, title: 'Bid security exceeds the statutory cap' },
  OPENING_TIME_MISMATCH: { status: 422, title: 'The opening must take place at the bid deadline' },
  OFFICIALS_INSUFFICIENT: { status: 422, title: 'Not enough opening officials with a valid encryption certificate' },
  DOCUMENTS_REQUIRED: { status: 422, title: 'Publish the tender documents with the notice' },
  INVITEES_REQUIRED: { status: 422, title: 'This method needs invited organisations' },
  NOT_INVITED: { status: 403, title: 'Your organisation is not invited to this trade' },
  ORGANISATION_REQUIRED: { status: 403, title: 'Only users of a registered organisation may do this' },
  BIDDER_NOT_REGISTERED: { status: 403, title: 'Your organisation has not registered (报名) for this trade' },
  DOCUMENTS_CLOSED: { status: 409, title: 'Tender documents are no longer available' },
  TRADE_SUSPENDED: { status: 409, title: 'The trade is suspended while an accepted complaint is decided' },
  RECHECK_OPEN: { status: 409, title: 'A recheck of the evaluation is open: publicity and award wait for it' },
  RECHECK_GROUND_NOT_ALLOWED: { status: 422, title: 'The law does not allow a recheck on this ground' },
  OBJECTION_PENDING: { status: 409, title: 'An objection is waiting for its reply: the procedure is suspended until then' },
  OBJECTION_WINDOW_CLOSED: { status: 422, title: 'The statutory window for this objection or challenge has closed' },
  COMPLAINT_WINDOW_CLOSED: { status: 422, title: 'The statutory window for this complaint has closed' },
  PRIOR_OBJECTION_REQUIRED: { status: 422, title: 'This complaint needs an objection or challenge raised first' },
  PUBLICITY_RUNNING: { status: 409, title: 'The publicity period has not ended yet' },
  NO_CANDIDATE_LEFT: { status: 409, title: 'No candidate is left to take the award' },
  CREDIT_RESTRICTED: { status: 403, title: 'A credit penalty bars your organisation from this' },
  CREDIT_REGION_OUTSIDE: { status: 422, title: 'This platform does not publish credit records of that region' },
  CREDIT_PERIOD_TOO_LONG: { status: 422, title: 'The record runs longer than the law allows' },
  CREDIT_REPAIR_TOO_EARLY: { status: 422, title: 'A credit repair may be applied for only after the minimum publicity period' },
  CREDIT_REPAIR_PENDING: { status: 409, title: 'An application for this record is already waiting for a decision' },
  CREDIT_RECORD_NOT_ACTIVE: { status: 409, title: 'The credit record is no longer in force' },
  CREDIT_REMOTE_RECORD: { status: 409, title: 'The record was issued on another platform: apply to its issuing region there' },
  ID_NUMBER_INVALID: { status: 400, title: 'Not a valid resident ID number (GB 11643)' },
  RULE_UNKNOWN: { status: 404, title: 'No such rule' },
  RULE_NOT_OVERRIDABLE: { status: 409, title: 'This statutory rule may not be changed by a region' },
  RULE_BELOW_FLOOR: { status: 400, title: 'A region may make this rule stricter, not looser' },
  // uploads (documents and sealed bids)
  MULTIPART_REQUIRED: { status: 415, title: 'Upload must be multipart/form-data' },
  UPLOAD_PART_MISSING: { status: 400, title: 'A required part of the upload is missing' },
  UPLOAD_PART_UNEXPECTED: { status: 400, title: 'The upload has an unexpected or repeated part' },
  FILE_NAME_INVALID: { status: 400, title: 'File name is path-like, not UTF-8, or too long' },
  FILE_TOO_LARGE: { status: 413, title: 'File exceeds the size limit' },
  // sealed bids
  BID_NOT_CMS: { status: 400, title: 'The envelope or signature is not a CMS object of the sealed-bid format' },
  BID_SIGNATURE_INVALID: { status: 400, title: 'The outer signature does not match the envelope' },
  BID_SIGNER_MISMATCH: { status: 403, title: 'The outer signature is not by a certificate of your organisation' },
  BID_DEADLINE_PASSED: { status: 409, title: 'The bid deadline has passed (server clock)' },
  BID_STALE: { status: 409, title: 'The bid you meant to replace is no longer your current bid' },
  BID_NOT_CURRENT: { status: 409, title: 'This bid has been replaced or withdrawn' },
  BID_WITHDRAWAL_NOT_ALLOWED: { status: 409, title: 'Bids in this kind of trade may be modified but not withdrawn' },
  BID_CONFIDENTIAL: { status: 403, title: 'Bids stay confidential until the opening' },
  // the opening hall
  OPENING_WRONG_STATE: { status: 409, title: 'The opening is not at a step that allows this' },
  NOT_AN_OFFICIAL: { status: 403, title: 'You are not an opening official of this trade' },
  SHARE_ALREADY_SUBMITTED: { status: 409, title: 'Your share is already in' },
  SHARE_INVALID: { status: 400, title: 'Not a valid share of this trade’s opening key' },
  OPENING_KEY_FAILED: { status: 422, title: 'The submitted shares do not rebuild the opening key' },
  UNLOCK_REFUSED: { status: 400, title: 'This content key does not open your bid' },
  CONFIRMATION_CLOSED: { status: 409, title: 'The confirmation window is closed' },
  OBJECTION_TEXT_REQUIRED: { status: 400, title: 'An objection needs its reasons' },
  // experts and the draw
  COMMITTEE_RULES_VIOLATED: { status: 422, title: 'The committee would break the composition rules' },
  DRAW_POOL_TOO_SMALL: { status: 422, title: 'The pool has too few eligible experts for this draw' },
  DRAW_WRONG_STATE: { status: 409, title: 'The draw is not at a step that allows this' },
  NOT_YOUR_ASSIGNMENT: { status: 404, title: 'No such invitation of yours' },
  // recheck
  RECHECK_WRONG_STATE: { status: 409, title: 'The recheck is not at a step that allows this' },
  RECHECK_OUTCOME_NOT_ALLOWED: { status: 422, title: 'The recheck’s grounds (or its findings) do not allow this outcome' },
  // complaints
  COMPLAINT_TOO_EARLY: { status: 409, title: 'The objection or challenge this complaint follows is still within its reply period' },
  // award
  CANDIDATE_NOT_ELIGIBLE: { status: 409, title: 'This candidate is already out (declined or disqualified)' },
  CONTRACT_NOT_PDF: { status: 400, title: 'The signed contract must be a PDF document' },
  CONTRACT_PARTIES_MISMATCH: { status: 422, title: 'The contract parties are not the tenderee (purchaser) and the winner' },
  CONTRACT_DATE_INVALID: { status: 422, title: 'The signing date lies before the award notice or in the future' },
  // infrastructure
  DB_UNAVAILABLE: { status: 503, title: 'Database unreachable' },
  INTERNAL: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** One field-level problem inside a VALIDATION_FAILED (or other 400) answer. */
export interface FieldProblem {
  /** JSON path of the offending field, e.g. `["organisation","uscc"]`; empty for the whole body. */
  path: (string | number)[];
  /** A stable code: zod's issue code (`invalid_type`, `unrecognized_keys`…) or one of ERROR_CODES. */
  code: string;
  message: string;
}

/** The problem+json body every error answer carries. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: FieldProblem[];
  /** Extra machine-readable facts, e.g. `retryAfterSeconds` for AUTH_THROTTLED. */
  [extra: string]: unknown;
}

export const PROBLEM_TYPE_BASE = 'https://tenderhall.org/problems/';
