import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

/** Stable error codes and their HTTP status. Clients switch on `code`, never on the message. */
export const errorStatus = {
  VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  API_KEY_REVOKED: 401,
  FORBIDDEN: 403,
  CSRF_HEADER_MISSING: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  STORE_CODE_TAKEN: 409,
  IDEMPOTENCY_IN_PROGRESS: 409,
  JOB_NOT_RETRYABLE: 409,
  MEMBER_IDENTITY_TAKEN: 409,
  MEMBER_NOT_ACTIVE: 409,
  MERGE_CONFLICT: 409,
  CUSTOM_FIELD_EXISTS: 409,
  INVALID_SIGNATURE: 400,
  MEMBER_CODE_REFUSED: 422,
  ORDER_CONFLICT: 409,
  REFUND_CONFLICT: 409,
  REFUND_EXCEEDS_PAID: 422,
  POINTS_INSUFFICIENT: 422,
  REDEMPTION_EXCEEDS_SHARE: 422,
  REDEMPTION_CONFLICT: 409,
  REWARD_OUT_OF_STOCK: 409,
  HOLD_NOT_ACTIVE: 409,
  TIER_IN_USE: 409,
  COUPON_ALREADY_REDEEMED: 409,
  COUPON_RESERVED: 409,
  COUPON_EXPIRED: 409,
  COUPON_NOT_STARTED: 409,
  COUPON_NOT_APPLICABLE: 422,
  COUPON_OUT_OF_STOCK: 409,
  COUPON_LIMIT_REACHED: 409,
  COUPON_TEMPLATE_PAUSED: 409,
  COUPON_TEMPLATE_IN_USE: 409,
  PARTNER_POOL_EXHAUSTED: 409,
  PARTNER_BENEFIT_PAUSED: 409,
  PARTNER_CALLBACK_NOT_CONFIGURED: 409,
  MEMBER_NOT_ELIGIBLE: 409,
  LOCATION_CONSENT_REQUIRED: 409,
  LAUNCH_NOT_OPEN: 409,
  LAUNCH_SOLD_OUT: 409,
  LAUNCH_LIMIT_REACHED: 409,
  BALLOT_NOT_OPEN: 409,
  BALLOT_NOT_CLOSED: 409,
  EXPERIENCE_NOT_OPEN: 409,
  EXPERIENCE_ALREADY_APPLIED: 409,
  EXPERIENCE_PLACES_EXCEEDED: 409,
  EXPERIENCE_QUOTA_EXCEEDED: 409,
  EXPERIENCE_NOT_SELECTED: 409,
  EXPERIENCE_FEEDBACK_EXISTS: 409,
  EXPERIENCE_FEEDBACK_CLOSED: 409,
  CONTEST_NOT_OPEN: 409,
  CONTEST_SELF_VOTE: 409,
  CONTEST_VOTE_LIMIT: 409,
  SECRETS_KEY_MISSING: 409,
  PLAN_NOT_AVAILABLE: 409,
  SUBSCRIPTION_EXISTS: 409,
  SUBSCRIPTION_TRANSITION_REFUSED: 409,
  PAYMENT_NOT_PENDING: 409,
  PROVIDER_NOT_CONFIGURED: 409,
  NOTHING_TO_REFUND: 422,
  PAYMENT_PROVIDER_ERROR: 502,
  CHANNEL_TEST_FAILED: 502,
  BENEFIT_CODE_TAKEN: 409,
  EVENT_NOT_OPEN: 409,
  EVENT_FULL: 409,
  EVENT_IN_USE: 409,
  EVENT_STARTED: 409,
  TICKET_ALREADY_CHECKED_IN: 409,
  TICKET_NOT_VALID: 409,
  CHECKIN_NOT_OPEN: 409,
  FEEDBACK_NOT_ALLOWED: 409,
  FEEDBACK_ALREADY_SUBMITTED: 409,
  BENEFIT_IN_USE: 409,
  BENEFIT_NOT_ENTITLED: 409,
  BENEFIT_LIMIT_REACHED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  RATE_LIMITED: 429,
  LOGIN_THROTTLED: 429,
  SIGN_IN_CODE_INVALID: 401,
  SIGN_IN_THROTTLED: 429,
  WECHAT_SIGN_IN_FAILED: 401,
  WECHAT_NOT_CONFIGURED: 409,
  WECHAT_UNAVAILABLE: 502,
  WECOM_NOT_CONFIGURED: 409,
  WECOM_API_ERROR: 502,
  WECOM_UNAVAILABLE: 502,
  WECOM_NOT_FOLLOWED: 409,
  WECOM_CONTACT_NOT_MEMBER: 404,
  SMS_UNAVAILABLE: 502,
  BIRTHDAY_ALREADY_SET: 409,
  LOTTERY_NOT_OPEN: 409,
  LOTTERY_NOT_CLOSED: 409,
  LOTTERY_NOT_SCHEDULED: 409,
  LOTTERY_LIMIT_REACHED: 409,
  LOTTERY_BURST: 429,
  WIN_TRANSITION_REFUSED: 409,
  CHECKIN_DISABLED: 409,
  QUIZ_ALREADY_ATTEMPTED: 409,
  QUIZ_NOT_OPEN: 409,
  QUIZ_REWARD_NOT_FAILED: 409,
  REFERRALS_DISABLED: 409,
  REFERRAL_REFUSED: 422,
  REFERRAL_EXISTS: 409,
  REFERRAL_NOT_IN_REVIEW: 409,
  DISTRIBUTION_THIRD_LEVEL: 422,
  PROMOTER_TRANSITION_REFUSED: 409,
  PROMOTER_NOT_APPROVED: 409,
  COMMISSION_INSUFFICIENT: 422,
  WITHDRAWAL_TRANSITION_REFUSED: 409,
  CODE_BATCH_DEACTIVATED: 409,
  CODE_BATCH_NOT_READY: 409,
  CODE_NOT_ACTIVE: 409,
  CODE_NOT_CLAIMED: 409,
  CODE_CLAIMED_BY_OTHER: 409,
  WARRANTY_NOT_OFFERED: 409,
  WARRANTY_EXISTS: 409,
  SERVICE_TRANSITION_REFUSED: 409,
  SERVICE_TICKET_CLOSED: 409,
  SURVEY_NOT_ALLOWED: 409,
  SURVEY_ALREADY_SUBMITTED: 409,
  GROUP_POOL_ARCHIVED: 409,
  GROUP_POOL_FULL: 409,
  GROUP_BROADCAST_NOT_CANCELLABLE: 409,
  GUIDE_NOT_ASSIGNED: 409,
  GUIDE_NOT_ON_WECOM: 409,
  GUIDE_TASK_DUPLICATE: 409,
  GUIDE_TASK_RULE_PAUSED: 409,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;
export type ErrorCode = keyof typeof errorStatus;

export interface FieldError {
  field: string;
  code: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return errorStatus[this.code];
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);

export function validationError(errors: FieldError[]): AppError {
  return new AppError('VALIDATION_FAILED', 'The request has invalid fields', { errors });
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  request_id?: string;
  errors?: FieldError[];
}

const titles: Partial<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export function problem(status: number, code: string, detail: string, extra: Partial<ProblemBody> = {}): ProblemBody {
  return {
    type: `https://hearth.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`,
    title: titles[status] ?? 'Error',
    status,
    code,
    detail,
    ...extra,
  };
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, body: ProblemBody): FastifyReply {
  return reply
    .status(body.status)
    .type('application/problem+json')
    .send({ ...body, instance: request.url, request_id: request.id });
}

/** The one place that turns any thrown error into problem+json. */
export function errorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AppError) {
    if (error.details.headers) reply.headers(error.details.headers);
    return sendProblem(request, reply, problem(error.status, error.code, error.message, { errors: error.details.errors }));
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? 'body';
    const errors = error.validation.map((v) => ({
      field: fieldPath(where, v.instancePath),
      code: String(v.params?.issue && typeof v.params.issue === 'object' && 'code' in v.params.issue ? v.params.issue.code : v.keyword),
      message: v.message ?? 'invalid',
    }));
    return sendProblem(request, reply, problem(400, 'VALIDATION_FAILED', 'The request has invalid fields', { errors }));
  }
  const fastifyError = error as FastifyError;
  const status = fastifyError.statusCode ?? 500;
  if (status === 429) {
    return sendProblem(request, reply, problem(429, 'RATE_LIMITED', 'Too many requests; slow down and retry later'));
  }
  if (status === 413) return sendProblem(request, reply, problem(413, 'PAYLOAD_TOO_LARGE', fastifyError.message));
  if (status === 415) return sendProblem(request, reply, problem(415, 'UNSUPPORTED_MEDIA_TYPE', fastifyError.message));
  if (status >= 400 && status < 500) {
    // Fastify's own client errors: malformed JSON, empty body with a JSON content type, …
    return sendProblem(request, reply, problem(status, 'BAD_REQUEST', fastifyError.message));
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendProblem(request, reply, problem(500, 'INTERNAL', 'An unexpected error occurred'));
}

function fieldPath(where: string, instancePath: string): string {
  const inner = instancePath.replace(/^\//, '').replaceAll('/', '.');
  if (where === 'body') return inner || 'body';
  return inner ? `${where}.${inner}` : where;
}
