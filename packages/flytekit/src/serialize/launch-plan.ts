/**
 * What a local run needs of a named launch plan: its interface as the compiler needs it for
 * launch-plan nodes, and the literals of its defaults and fixed inputs. The `admin.LaunchPlan`
 * message is launch-plan-spec.ts's: it reaches the admin IDL, which a local run never loads.
 */
import { create } from "@bufbuild/protobuf";
import { LiteralMapSchema, type Literal, type LiteralMap } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import type { CompileInput } from "@flyte/engine";
import type { z } from "zod";
import { optionalInputsOf, type LaunchPlanDefinition } from "../launch-plan.ts";
import { defaultValueOf, isOptionalInput, transformerFor } from "../types/index.ts";
import { typedInterfaceOf } from "./interface.ts";
import { identifierOf, type SerializationSettings } from "./settings.ts";

/** What the compiler needs of a launch plan. */
export type LaunchPlanInterface = NonNullable<CompileInput["launchPlans"]>[number];

/** The launch plan's interface: the inputs a launch may pass (fixed ones removed) and the workflow's outputs. */
export function launchPlanInterfaceOf(lp: LaunchPlanDefinition, settings: SerializationSettings): LaunchPlanInterface {
  return { id: identifierOf("launchPlan", lp.name, settings), interface: typedInterfaceOf(lp.name, lp.signature), defaultInputs: optionalInputsOf(lp) };
}

/** Literals of the inputs a launch may leave out: launch plan defaults, workflow defaults, optionals (none). */
export function launchPlanDefaults(lp: LaunchPlanDefinition): LiteralMap {
  const literals: Record<string, Literal> = {};
  for (const name of lp.signature.inputNames) {
    const literal = launchPlanDefaultLiteral(lp, name);
    if (literal !== undefined) literals[name] = literal;
  }
  return create(LiteralMapSchema, { literals });
}

/** Literals of the fixed inputs. */
export function launchPlanFixed(lp: LaunchPlanDefinition): LiteralMap {
  const literals: Record<string, Literal> = {};
  for (const [name, value] of Object.entries(lp.fixedInputs)) {
    literals[name] = transformerFor(lp.workflow.signature.inputs[name] as z.ZodType).toLiteral(value, {
      entity: `launch plan '${lp.name}'`,
      side: "input",
      variable: name,
    });
  }
  return create(LiteralMapSchema, { literals });
}

/** The literal input `name` takes when a launch leaves it out, or undefined when it is required. */
export function launchPlanDefaultLiteral(lp: LaunchPlanDefinition, name: string): Literal | undefined {
  const schema = lp.signature.inputs[name] as z.ZodType;
  const site = { entity: `launch plan '${lp.name}'`, side: "input", variable: name } as const;
  const fallback = defaultValueOf(schema);
  if (fallback.has) return transformerFor(schema).toLiteral(fallback.value, site);
  if (isOptionalInput(schema)) return transformerFor(schema).toLiteral(undefined, site);
  return undefined;
}
