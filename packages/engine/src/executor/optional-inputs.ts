/**
 * Unbound Optional inputs. Flyte's compiler accepts a node that leaves an input of an Optional type
 * (a union with a `NONE` variant) unbound; the task then reads none. The engine supplies that none
 * explicitly, in the form flytekit writes an Optional's none (a union literal tagged with the NONE
 * variant), so a task never receives fewer inputs than its interface declares.
 */
import { create } from "@bufbuild/protobuf";
import type { Variable } from "@flyte/idl/gen/flyteidl/core/interface_pb.js";
import { LiteralMapSchema, LiteralSchema, type Literal, type LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { SimpleType, type LiteralType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";

/**
 * `inputs` with a none literal for every declared input that is missing and Optional; `inputs`
 * itself when nothing is missing.
 */
export function withUnboundOptionals(inputs: LiteralMap, declared: Readonly<Record<string, Variable>> | undefined): LiteralMap {
  let filled: Record<string, Literal> | undefined;
  for (const [name, variable] of Object.entries(declared ?? {})) {
    if (inputs.literals[name] !== undefined) continue;
    const noneVariant = noneVariantOf(variable.type);
    if (noneVariant === undefined) continue;
    filled ??= { ...inputs.literals };
    filled[name] = create(LiteralSchema, {
      value: {
        case: "scalar",
        value: { value: { case: "union", value: { value: noneLiteral(), type: noneVariant } } },
      },
    });
  }
  return filled === undefined ? inputs : create(LiteralMapSchema, { literals: filled });
}

function noneVariantOf(type: LiteralType | undefined): LiteralType | undefined {
  if (type?.type.case !== "unionType") return undefined;
  return type.type.value.variants.find((v) => v.type.case === "simple" && v.type.value === SimpleType.NONE);
}

function noneLiteral(): Literal {
  return create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "noneType", value: {} } } } });
}
