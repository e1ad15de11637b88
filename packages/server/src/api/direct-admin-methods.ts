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
 *
 * GetWorkflow takes the direct paths too (gRPC here, Connect in connect-unary-fast-path.ts), with
 * its answer kept encoded: the console's execution page waits for it first, and a 5,000-node
 * answer cost the server 18–31 ms of CPU per request through connect-es.
 */
import type { DescMessage, DescMethodUnary, MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type { ObjectGetRequest } from "@flyte/idl/gen/flyteidl/admin/common_pb.js";
import { AdminService } from "@flyte/idl/gen/flyteidl/service/admin_pb.js";
import type { EncodedAnswer } from "./encoded-answer.ts";
import { unaryContext, type FastUnaryMethod } from "./grpc-unary-fast-path.ts";

/** The AdminService methods that take the direct path. */
export const DIRECT_ADMIN_METHODS = ["getExecution", "createExecution", "listExecutions"] as const;

/** Implementations whose answers are kept encoded (encoded-answer.ts). */
export interface EncodedAdminMethods {
  /** GetWorkflow's answer (workflows.ts `getWorkflowAnswer`). */
  getWorkflow(request: ObjectGetRequest): EncodedAnswer;
}

/**
 * The gRPC direct-path entries: {@link DIRECT_ADMIN_METHODS}, calling `admin`'s implementations,
 * and {@link encodedAdminMethods}.
 */
export function directAdminMethods(admin: Pick<ServiceImpl<typeof AdminService>, (typeof DIRECT_ADMIN_METHODS)[number]>, encoded: EncodedAdminMethods): FastUnaryMethod[] {
  return [
    direct(AdminService.method.getExecution, admin.getExecution),
    direct(AdminService.method.createExecution, admin.createExecution),
    direct(AdminService.method.listExecutions, admin.listExecutions),
    ...encodedAdminMethods(encoded),
  ] as FastUnaryMethod[];
}

/** The entries answered from kept encodings, for the gRPC and the Connect direct paths. */
export function encodedAdminMethods(encoded: EncodedAdminMethods): FastUnaryMethod[] {
  const method = AdminService.method.getWorkflow;
  const getWorkflow: FastUnaryMethod<typeof method.input, typeof method.output> = {
    path: `/${method.parent.typeName}/${method.name}`,
    input: method.input,
    output: method.output,
    call: (request) => encoded.getWorkflow(request),
  };
  return [getWorkflow] as FastUnaryMethod[];
}

function direct<I extends DescMessage, O extends DescMessage>(method: DescMethodUnary<I, O>, impl: (request: MessageShape<I>, context: HandlerContext) => Promise<MessageInitShape<O>> | MessageInitShape<O>): FastUnaryMethod<I, O> {
  const context = unaryContext(method);
  return { path: `/${method.parent.typeName}/${method.name}`, input: method.input, output: method.output, call: (request) => impl(request, context) };
}
