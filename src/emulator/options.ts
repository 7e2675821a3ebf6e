import type { Seed } from "./seed.ts";

/**
 * The quotas the emulator enforces, each configurable. Defaults are AWS's published values
 * (docs.aws.amazon.com/singlesignon/latest/userguide/limits.html); rates are per second of
 * emulated time and are multiplied by `timeScale`.
 */
export interface EmulatorLimits {
  /** Calls per second shared by every sso-admin operation (token bucket refill). */
  ssoAdminRatePerSecond: number;
  /** Token bucket capacity of the sso-admin bucket: how many calls a burst gets through. */
  ssoAdminBurst: number;
  /** Calls per second of each identitystore operation (one bucket per operation). */
  identityStoreRatePerSecond: number;
  identityStoreBurst: number;
  /** Calls per second shared by every organizations operation (AWS does not publish it). */
  organizationsRatePerSecond: number;
  organizationsBurst: number;
  /** Assignment creations and deletions in progress at once (one shared pool). */
  outstandingAssignmentOperations: number;
  /** `ProvisionPermissionSet` requests in progress at once. */
  concurrentProvisionings: number;
  permissionSetsPerInstance: number;
  /** AWS-managed plus customer-managed policies attached to one permission set. */
  policiesPerPermissionSet: number;
  /**
   * IAM's quota of managed policies per role: provisioning a permission set with more
   * (AWS-managed + customer-managed) policies ends FAILED, as IAM refuses the role.
   */
  policiesPerRole: number;
  tagsPerPermissionSet: number;
  /** Permission sets provisioned into one account. */
  provisionedPermissionSetsPerAccount: number;
  /** Groups assigned to one permission set in one account. */
  groupsPerPermissionSetPerAccount: number;
  usersPerIdentityStore: number;
  groupsPerIdentityStore: number;
  /** Non-whitespace characters of an inline policy. */
  inlinePolicyNonWhitespaceChars: number;
}

export const DEFAULT_LIMITS: Readonly<EmulatorLimits> = {
  ssoAdminRatePerSecond: 20,
  ssoAdminBurst: 20,
  identityStoreRatePerSecond: 20,
  identityStoreBurst: 20,
  organizationsRatePerSecond: 10,
  organizationsBurst: 10,
  outstandingAssignmentOperations: 15,
  concurrentProvisionings: 3,
  permissionSetsPerInstance: 3500,
  policiesPerPermissionSet: 25,
  policiesPerRole: 10,
  tagsPerPermissionSet: 50,
  provisionedPermissionSetsPerAccount: 500,
  groupsPerPermissionSetPerAccount: 100,
  usersPerIdentityStore: 200_000,
  groupsPerIdentityStore: 100_000,
  inlinePolicyNonWhitespaceChars: 10_240,
};

/**
 * Random faults, each a probability in [0, 1] per eligible call, drawn from a generator seeded
 * by `randomSeed`, so the same sequence of calls meets the same faults.
 */
export interface FaultSpec {
  /** Any call answers ThrottlingException (organizations: TooManyRequestsException). */
  throttle?: number;
  /** Any call answers InternalServerException (organizations: ServiceException), HTTP 500. */
  server?: number;
  /** An async operation (assignment create/delete, provisioning) ends FAILED. */
  failed?: number;
  /** A list call returns fewer items than asked (possibly none) and still a NextToken. */
  shortpage?: number;
  /** An async operation's latency is multiplied by `spikeFactor`. */
  spike?: number;
  /** Latency multiplier of a spike; 10 by default. */
  spikeFactor?: number;
  /** Read-after-write lag, ms: a finished assignment shows in List calls only this much later. */
  lag?: number;
}

/** Error names a fault rule can answer with, beyond any error shape of the service. */
export type SpecialFault =
  /** The service's invalid-token error (ValidationException, or InvalidInputException/INVALID_NEXT_TOKEN). */
  | "InvalidNextToken"
  /** Async operations only: the call succeeds, the operation ends FAILED. */
  | "FAILED";

/**
 * A targeted fault: from the `afterCalls + 1`-th call of `operation` on, the next `times`
 * calls answer `error` instead of being served. Settable in-process and with
 * `POST /_emulator/faults`, so a test can break a read in the middle.
 */
export interface FaultRule {
  /** Operation name, for example `ListAccountAssignmentsForPrincipal`; `*` matches every operation. */
  operation: string;
  /**
   * Only calls of this service (`sso-admin`, `identitystore`, `organizations`, `sts`): sso-admin
   * and organizations both have a `ListTagsForResource`. Every service when absent.
   */
  service?: ServiceName | "sts";
  /** Error shape name (`AccessDeniedException`, `InternalServerException`, ...) or a `SpecialFault`. */
  error: string;
  /** Calls of the operation served normally before the rule fires; 0 by default. */
  afterCalls?: number;
  /** How many calls the rule breaks; 1 by default; 0 means every call from then on. */
  times?: number;
  /** Message of the error; a realistic default per error otherwise. */
  message?: string;
  /** FailureReason for `FAILED`. */
  failureReason?: string;
}

/** One statement of an IAM-style policy. `Resource` and `Condition` are accepted and ignored. */
export interface PolicyStatement {
  Effect: "Allow" | "Deny";
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  Sid?: string;
}

/** An IAM-style identity policy: actions `sso:<Op>`, `identitystore:<Op>`, `organizations:<Op>`. */
export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement | PolicyStatement[];
}

/**
 * Options of `startEmulator`. Every field is optional; the defaults give an AWS-like service
 * with no faults, a real clock and one-second async operations.
 */
export interface EmulatorOptions {
  /** Interface to listen on; `127.0.0.1` by default. */
  host?: string;
  /** TCP port; 0 (the default) picks a free port. */
  port?: number;
  /**
   * The initial state: a seed object or the path of a seed JSON file. By default one instance
   * and an organisation holding only its management account.
   */
  seed?: Seed | string;
  /**
   * Median latency, in ms of emulated time, of an async operation (assignment creation and
   * deletion, provisioning, deprovisioning). 0 completes on the next tick (or, with a manual
   * clock, on the next `advance`). 1000 by default.
   */
  latencyMs?: number;
  /** Shape (sigma) of the lognormal latency; 0 makes every latency exactly `latencyMs`. 0.5 by default. */
  latencySigma?: number;
  /** Multiplies every rate and divides every latency (and the lag); 1 by default. */
  timeScale?: number;
  /** Random faults: `throttle=0.05,server=0.01,failed=0.02,shortpage=0.1,spike=0.05,lag=2000` or an object. */
  faults?: string | FaultSpec;
  /** Targeted fault rules, in order; the first rule that fires answers. */
  faultRules?: FaultRule[];
  /** Seed of every random draw (faults, latencies, generated ids and request ids); 1 by default. */
  randomSeed?: number;
  /** Quotas; AWS's defaults for the ones not given. */
  limits?: Partial<EmulatorLimits>;
  /**
   * An IAM-style policy (or the path of a JSON file holding one) that every call is checked
   * against: a call whose action is not allowed, or explicitly denied, answers
   * AccessDeniedException. Everything is allowed when absent.
   */
  policy?: PolicyDocument | string;
  /**
   * HTTP status per error name, overriding the defaults: 400 for every client error, 500 for
   * InternalServerException and ServiceException (AWS's API reference; see
   * `SMITHY_ERROR_STATUS` for the Smithy model's codes).
   */
  errorStatus?: Record<string, number>;
  /**
   * `real` (default): time passes. `manual`: time stands still until `advance(ms)`, so token
   * buckets refill and async operations finish exactly when a test says.
   */
  clock?: "real" | "manual";
  /** The instant a manual clock starts at (epoch ms); the real start time by default. */
  startTime?: number;
  /**
   * Check every response against the AWS model's output shape and answer a 500 naming the
   * mismatch when it does not conform: for the emulator's own tests. False by default.
   */
  checkResponses?: boolean;
}

/** Per-operation counters. `calls = ok + throttled + conflicts + errors`. */
export interface OperationStats {
  calls: number;
  ok: number;
  /** ThrottlingException / TooManyRequestsException answers (rate and concurrency limits, injected). */
  throttled: number;
  /** ConflictException answers. */
  conflicts: number;
  /** Every other error answer. */
  errors: number;
  /** Calls the SDK marked as retries (`amz-sdk-request: attempt=N` with N > 1). */
  retries: number;
}

/** `GET /_emulator/calls`: counters by service-qualified operation (`sso-admin:ListInstances`). */
export type CallStats = Record<string, OperationStats>;

/** One accepted mutating call, in the order the emulator accepted them. */
export interface WriteRecord {
  /** 1, 2, 3... */
  seq: number;
  /** Epoch ms (emulated clock). */
  time: number;
  service: ServiceName;
  operation: string;
  /** The identifying request members (ARNs, ids, names, principal, target); never policy bodies. */
  params: Record<string, unknown>;
  /** The HTTP request id (`x-amzn-RequestId`). */
  requestId: string;
  /** The async operation's request id, for assignment creation/deletion and provisioning. */
  operationId?: string;
}

/** Async-operation statistics since the last stats reset, for the benchmark. */
export interface AsyncStats {
  /** Emulated ms covered by the averages. */
  windowMs: number;
  assignmentOperations: {
    inFlight: number;
    peakInFlight: number;
    /** Time-averaged number in flight over the window (integral of in-flight over time / window). */
    meanInFlight: number;
    started: number;
    succeeded: number;
    failed: number;
  };
  provisionings: {
    inFlight: number;
    peakInFlight: number;
    meanInFlight: number;
    started: number;
    succeeded: number;
    failed: number;
  };
}

export type ServiceName = "sso-admin" | "identitystore" | "organizations";
