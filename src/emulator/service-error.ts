/**
 * An error answer of an emulated service: the error shape name (`__type` on the wire), its
 * message and any other members of the error shape (`Reason`, `ResourceType`, ...). Handlers
 * throw it; the protocol layer serialises it. It never leaves the emulator.
 */
export class ServiceError extends Error {
  override readonly name = "ServiceError";
  /** The error shape name, for example `ConflictException`. */
  readonly type: string;
  /** Other members of the error shape, PascalCase as in the model. */
  readonly fields: Record<string, unknown>;

  constructor(type: string, message: string, fields: Record<string, unknown> = {}) {
    super(message);
    this.type = type;
    this.fields = fields;
  }
}

/** AWS's message for overlapping operations on one permission set or (account, permission set). */
export const CONFLICTING_OPERATION = "There is a conflicting operation in process.";
/** The sso-admin and identitystore rate-limit message. */
export const RATE_EXCEEDED = "Rate exceeded";
/** The message of the outstanding-operations limits (15 assignment operations, 3 provisionings). */
export const TOO_MANY_PROCESSING = "There are too many requests processing. Please try again later.";

export const conflict = (message = CONFLICTING_OPERATION, fields?: Record<string, unknown>): ServiceError =>
  new ServiceError("ConflictException", message, fields);
export const validation = (message: string): ServiceError => new ServiceError("ValidationException", message);
export const notFound = (message: string, fields?: Record<string, unknown>): ServiceError =>
  new ServiceError("ResourceNotFoundException", message, fields);
export const accessDenied = (message: string): ServiceError =>
  new ServiceError("AccessDeniedException", message);
export const throttling = (message: string): ServiceError => new ServiceError("ThrottlingException", message);
export const quotaExceeded = (message: string): ServiceError =>
  new ServiceError("ServiceQuotaExceededException", message);
