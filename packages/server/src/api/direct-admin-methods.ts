/**
 * The AdminService methods served on the direct gRPC path (grpc-unary-fast-path.ts): the calls
 * clients make once per execution or in a loop — GetExecution (polls), CreateExecution (one per
 * execution: the throughput harness's call) and ListExecutions (waiting for "none running").
 * Through connect-es each cost the server about 1 ms of CPU at load 10 (docs/benchmarks.md,
 * sixth and seventh rounds), more than our own work for the call.
 *
 * The implementations are the router's own (`admin`); they read nothing from their handler
 * context, so each method gets one context, built once and shared by its calls (a context cost
 * ~40 µs: three `Headers`, an `AbortController`, a deadline).
 */
import type { DescMessage, DescMethodUnary, MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import { unaryContext, type FastUnaryMethod } from "./grpc-unary-fast-path.ts";

/** The AdminService methods that take the direct path. */
export const DIRECT_ADMIN_METHODS = ["getExecution", "createExecution", "listExecutions"] as const;

/** The direct-path entries of {@link DIRECT_ADMIN_METHODS}, calling `admin`'s implementations. */
export function directAdminMethods(admin: Pick<ServiceImpl<typeof AdminService>, (typeof DIRECT_ADMIN_METHODS)[number]>): FastUnaryMethod[] {
  return [
    direct(AdminService.method.getExecution, admin.getExecution),
    direct(AdminService.method.createExecution, admin.createExecution),
    direct(AdminService.method.listExecutions, admin.listExecutions),
  ] as FastUnaryMethod[];
}

function direct<I extends DescMessage, O extends DescMessage>(method: DescMethodUnary<I, O>, impl: (request: MessageShape<I>, context: HandlerContext) => Promise<MessageInitShape<O>> | MessageInitShape<O>): FastUnaryMethod<I, O> {
  const context = unaryContext(method);
  return { path: `/${method.parent.typeName}/${method.name}`, input: method.input, output: method.output, call: (request) => impl(request, context) };
}
