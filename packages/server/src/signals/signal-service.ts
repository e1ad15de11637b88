/**
 * `flyteidl.service.SignalService`: GetOrCreateSignal, ListSignals and SetSignal over the
 * {@link SignalStore}. SetSignal checks the value against the signal's type.
 */
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { isCastable } from "@flyte/engine";
import { SignalListSchema, SignalSchema, SignalSetResponseSchema, type Signal } from "@flyte/idl/gen/flyteidl/admin/signal_pb.js";
import { SignalIdentifierSchema, type SignalIdentifier } from "@flyte/idl/gen/flyteidl/core/identifier_pb.js";
import type { SignalService } from "@flyte/idl/gen/flyteidl/service/signal_pb.js";
import { invalidArgument } from "../api/errors.ts";
import { literalTypeOf, typeSummary } from "../api/literal-type.ts";
import { executionKeyOf, workflowExecutionIdOf } from "../executions/admin-messages.ts";
import type { SignalStore, StoredSignal } from "./signal-store.ts";

function keyOf(id: SignalIdentifier | undefined, rpc: string): { executionId: string; signalId: string } {
  if (id === undefined || id.signalId === "") throw invalidArgument(`${rpc} needs a signal id: signal_id and the execution (project, domain, name)`);
  return { executionId: executionKeyOf(id.executionId, rpc), signalId: id.signalId };
}

function signalMessage(signal: StoredSignal): Signal {
  return create(SignalSchema, {
    id: create(SignalIdentifierSchema, { signalId: signal.signalId, executionId: workflowExecutionIdOf(signal.executionId) }),
    type: signal.type,
    ...(signal.value === undefined ? {} : { value: signal.value }),
  });
}

/** The handlers. */
export function signalService(store: SignalStore): ServiceImpl<typeof SignalService> {
  return {
    async getOrCreateSignal(req) {
      const { executionId, signalId } = keyOf(req.id, "GetOrCreateSignal");
      if (req.type === undefined) throw invalidArgument(`GetOrCreateSignal '${signalId}' needs the signal's type`);
      return signalMessage(await store.getOrCreate(executionId, signalId, req.type));
    },
    listSignals(req) {
      const executionId = executionKeyOf(req.workflowExecutionId, "ListSignals");
      return create(SignalListSchema, { signals: store.list(executionId).map(signalMessage) });
    },
    async setSignal(req) {
      const { executionId, signalId } = keyOf(req.id, "SetSignal");
      const what = `signal '${signalId}' of execution '${executionId.replaceAll(":", "/")}'`;
      if (req.value === undefined) throw invalidArgument(`SetSignal for ${what} needs a value`);
      const existing = store.get(executionId, signalId);
      const given = literalTypeOf(req.value);
      if (existing !== undefined && given !== undefined && !isCastable(given, existing.type)) {
        throw invalidArgument(`SetSignal for ${what}: the gate expects ${typeSummary(existing.type)}, got ${typeSummary(given)}`);
      }
      const type = existing?.type ?? given;
      if (type === undefined) throw invalidArgument(`SetSignal for ${what}: the value's type cannot be told and no gate declared one yet`);
      if ((await store.set(executionId, signalId, req.value, type)) === "already-set") {
        throw new ConnectError(`${what} is already set; a signal takes one value`, Code.AlreadyExists);
      }
      return create(SignalSetResponseSchema);
    },
  };
}
