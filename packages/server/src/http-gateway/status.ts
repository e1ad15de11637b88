/**
 * gRPC codes as HTTP statuses, and errors in the JSON shape FlyteAdmin's gateway (grpc-gateway v2)
 * writes: the `google.rpc.Status` fields `{"code", "message", "details"}`.
 */
import { Code } from "@connectrpc/connect";

const STATUS: Readonly<Record<number, number>> = {
  [Code.Canceled]: 499,
  [Code.Unknown]: 500,
  [Code.InvalidArgument]: 400,
  [Code.DeadlineExceeded]: 504,
  [Code.NotFound]: 404,
  [Code.AlreadyExists]: 409,
  [Code.PermissionDenied]: 403,
  [Code.ResourceExhausted]: 429,
  [Code.FailedPrecondition]: 400,
  [Code.Aborted]: 409,
  [Code.OutOfRange]: 400,
  [Code.Unimplemented]: 501,
  [Code.Internal]: 500,
  [Code.Unavailable]: 503,
  [Code.DataLoss]: 500,
  [Code.Unauthenticated]: 401,
};

/** The HTTP status grpc-gateway answers for gRPC `code` (`runtime.HTTPStatusFromCode`). */
export function httpStatusOf(code: Code): number {
  return STATUS[code] ?? 500;
}

/** The gateway's error body for `code` and `message`. */
export function errorBody(code: Code, message: string): string {
  return JSON.stringify({ code, message, details: [] });
}
