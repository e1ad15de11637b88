/**
 * The launch form of a launch plan: one field per input, generated from the interface, prefilled
 * with the launch plan's defaults or an earlier execution's inputs (`?from=NAME`: relaunch with
 * changes), fixed inputs shown read-only, everything validated before the execution is created.
 */
import { create } from "@bufbuild/protobuf";
import { ExecutionMetadata_ExecutionMode } from "@flyte/idl/gen/flyteidl/admin/execution_pb.js";
import { LiteralMapSchema, type Literal } from "@flyte/idl/gen/flyteidl/core/literals_pb.js";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState, type FormEvent } from "react";
import { useNavigate, useParams, useSearchParams } from "react-router";
import { admin } from "../api/clients.ts";
import { fetchLaunchPlan } from "../api/entities.ts";
import { FormField } from "../launch/form-field.tsx";
import { UploadContext, uploaderFor } from "../launch/upload-file.ts";
import { FolderUploadContext, folderUploaderFor } from "../launch/upload-folder.ts";
import { emptyValue, FormValueError, literalOf, valueOf, type FormValue } from "../launch/form-values.ts";
import { literalToJson } from "../lib/literals.ts";
import { executionUrl } from "../lib/urls.ts";

/** The launch form page. */
export function LaunchPage() {
  const { project = "", domain = "" } = useParams();
  const [params] = useSearchParams();
  const name = params.get("lp") ?? "";
  const from = params.get("from") ?? "";
  const navigate = useNavigate();
  const lp = useQuery({ queryKey: ["launchPlan", project, domain, name], queryFn: () => fetchLaunchPlan(project, domain, name) });
  const previous = useQuery({
    queryKey: ["executionData", project, domain, from],
    queryFn: () => admin.getExecutionData({ id: { project, domain, name: from } }),
    enabled: from !== "",
  });
  const [values, setValues] = useState<Record<string, FormValue> | undefined>(undefined);
  const [errors, setErrors] = useState<string[]>([]);
  const [submitting, setSubmitting] = useState(false);
  const upload = useMemo(() => uploaderFor(project, domain), [project, domain]);
  const uploadFolder = useMemo(() => folderUploaderFor(project, domain), [project, domain]);
  const parameters = lp.data?.spec?.defaultInputs?.parameters ?? lp.data?.closure?.expectedInputs?.parameters ?? {};
  const fixed = lp.data?.spec?.fixedInputs?.literals ?? {};

  useEffect(() => {
    if (lp.data === undefined || values !== undefined || (from !== "" && previous.data === undefined && previous.error === null)) return;
    const earlier = previous.data?.fullInputs?.literals ?? {};
    const initial: Record<string, FormValue> = {};
    for (const [input, parameter] of Object.entries(parameters)) {
      const type = parameter.var?.type;
      if (type === undefined) continue;
      const given: Literal | undefined = earlier[input] ?? (parameter.behavior.case === "default" ? parameter.behavior.value : undefined);
      initial[input] = given === undefined ? emptyValue(type) : valueOf(given, type);
    }
    setValues(initial);
  }, [lp.data, previous.data, previous.error, from, values, parameters]);

  if (lp.error !== null) return <p role="alert" className="error">{lp.error.message}</p>;
  if (lp.data === undefined || values === undefined) return <p>Loading the launch form…</p>;

  /** The literals of the form's values, and a line for each value that is not valid. */
  const check = (current: Record<string, FormValue>): { literals: Record<string, Literal>; problems: string[] } => {
    const problems: string[] = [];
    const literals: Record<string, Literal> = {};
    for (const [input, parameter] of Object.entries(parameters)) {
      const type = parameter.var?.type;
      if (type === undefined) continue;
      try {
        literals[input] = literalOf(current[input] ?? emptyValue(type), type, input);
      } catch (err) {
        problems.push(err instanceof FormValueError ? err.message : `${input}: ${String(err)}`);
      }
    }
    return { literals, problems };
  };
  // Once problems are shown, they follow the edits, so a fixed input leaves the list at once.
  const change = (input: string, v: FormValue): void => {
    const next = { ...values, [input]: v };
    setValues(next);
    if (errors.length > 0) setErrors(check(next).problems);
  };

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const { literals, problems } = check(values);
    setErrors(problems);
    if (problems.length > 0) return;
    setSubmitting(true);
    try {
      const res = await admin.createExecution({
        project,
        domain,
        name: "",
        spec: { launchPlan: lp.data.id, metadata: { mode: ExecutionMetadata_ExecutionMode.MANUAL, principal: "console" } },
        inputs: create(LiteralMapSchema, { literals }),
      });
      void navigate(executionUrl(project, domain, res.id?.name ?? ""));
    } catch (err) {
      setErrors([`The server refused the launch: ${err instanceof Error ? err.message : String(err)}`]);
      setSubmitting(false);
    }
  };
  return (
    <section>
      <h1>Launch {name}</h1>
      <p className="muted">Launch plan {lp.data.id?.name} version {lp.data.id?.version}{from === "" ? "" : `, inputs from execution ${from}`}</p>
      <UploadContext value={upload}>
      <FolderUploadContext value={uploadFolder}>
      <form className="launch" onSubmit={(e) => void submit(e)} noValidate aria-label="Launch form">
        {Object.entries(parameters).map(([input, parameter]) =>
          parameter.var?.type === undefined ? null : (
            <FormField key={input} label={input} type={parameter.var.type} value={values[input] ?? emptyValue(parameter.var.type)} description={parameter.var.description === "" ? undefined : parameter.var.description} onChange={(v) => change(input, v)} />
          ),
        )}
        {Object.keys(fixed).length > 0 ? (
          <fieldset className="fixed">
            <legend>Fixed inputs (set by the launch plan)</legend>
            <pre>{JSON.stringify(Object.fromEntries(Object.entries(fixed).map(([k, l]) => [k, literalToJson(l)])), null, 2)}</pre>
          </fieldset>
        ) : null}
        {errors.length > 0 ? (
          <div role="alert" className="error">
            <p>Fix these inputs before launching:</p>
            <ul>{errors.map((p) => <li key={p}>{p}</li>)}</ul>
          </div>
        ) : null}
        <button type="submit" className="primary" disabled={submitting}>{submitting ? "Launching…" : "Launch"}</button>
      </form>
      </FolderUploadContext>
      </UploadContext>
    </section>
  );
}
