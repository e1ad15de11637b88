/**
 * One input of the launch form, rendered from its Flyte type: text for numbers, strings, dates and
 * durations, a checkbox, a select for enums, repeatable rows for lists and maps, a fieldset per
 * struct (from its field types), a type choice for unions and optionals, a URI or an upload for
 * files, directories and dataframes.
 */
import { SimpleType, type LiteralType } from "@flyte/idl/gen/flyteidl/core/types_pb.js";
import { useId } from "react";
import { typeName } from "../lib/literals.ts";
import { DataField } from "./data-field.tsx";
import { emptyValue, isDataType, mapEntries, structFields, type FormValue } from "./form-values.ts";

/** Props of {@link FormField}. */
export interface FormFieldProps {
  readonly label: string;
  readonly type: LiteralType;
  readonly value: FormValue;
  readonly onChange: (value: FormValue) => void;
  readonly disabled?: boolean;
  readonly description?: string | undefined;
}

const isNone = (t: LiteralType | undefined): boolean => t?.type.case === "simple" && t.type.value === SimpleType.NONE;

/** A labelled editor for one value of `type`. */
export function FormField({ label, type, value, onChange, disabled = false, description }: FormFieldProps) {
  const id = useId();
  const t = type.type;
  const hint = <span className="type">{typeName(type)}</span>;
  const text = (placeholder: string, inputMode?: "numeric" | "decimal") => (
    <div className="field">
      <label htmlFor={id}>{label} {hint}</label>
      <input id={id} name={label} type="text" inputMode={inputMode} placeholder={placeholder} value={typeof value === "string" ? value : ""} disabled={disabled} onChange={(e) => onChange(e.target.value)} />
      {description === undefined ? null : <small>{description}</small>}
    </div>
  );
  if (isDataType(type)) {
    return <DataField label={label} type={type} hint={hint} value={typeof value === "string" ? value : ""} disabled={disabled} description={description} onChange={onChange} />;
  }
  if (t.case === "simple") {
    switch (t.value) {
      case SimpleType.INTEGER:
        return text("e.g. 42", "numeric");
      case SimpleType.FLOAT:
        return text("e.g. 3.14", "decimal");
      case SimpleType.STRING:
        return text("text");
      case SimpleType.DURATION:
        return text("e.g. 10m, 1h30m, 45s, 250ms");
      case SimpleType.BOOLEAN:
        return (
          <div className="field check">
            <input id={id} name={label} type="checkbox" checked={value === true} disabled={disabled} onChange={(e) => onChange(e.target.checked)} />
            <label htmlFor={id}>{label} {hint}</label>
          </div>
        );
      case SimpleType.DATETIME:
        return (
          <div className="field">
            <label htmlFor={id}>{label} {hint}</label>
            <input id={id} name={label} type="datetime-local" step="1" value={typeof value === "string" ? value : ""} disabled={disabled} onChange={(e) => onChange(e.target.value)} />
          </div>
        );
      case SimpleType.NONE:
        return null;
      case SimpleType.STRUCT: {
        const fields = structFields(type);
        if (fields === undefined) {
          return (
            <div className="field">
              <label htmlFor={id}>{label} {hint} (JSON)</label>
              <textarea id={id} name={label} rows={4} value={typeof value === "string" ? value : "{}"} disabled={disabled} onChange={(e) => onChange(e.target.value)} />
            </div>
          );
        }
        const current = value !== null && typeof value === "object" && "fields" in value ? value.fields : {};
        return (
          <fieldset className="struct">
            <legend>{label} {hint}</legend>
            {Object.entries(fields).map(([name, fieldType]) => (
              <FormField key={name} label={name} type={fieldType} value={current[name] ?? emptyValue(fieldType)} disabled={disabled} onChange={(v) => onChange({ fields: { ...current, [name]: v } })} />
            ))}
          </fieldset>
        );
      }
      default:
        return <p className="field">{label} {hint}: not editable in the console yet</p>;
    }
  }
  if (t.case === "enumType") {
    return (
      <div className="field">
        <label htmlFor={id}>{label} {hint}</label>
        <select id={id} name={label} value={typeof value === "string" ? value : ""} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
          {t.value.values.map((v) => <option key={v} value={v}>{v}</option>)}
        </select>
      </div>
    );
  }
  if (t.case === "collectionType") {
    const items = Array.isArray(value) ? value : [];
    return (
      <fieldset className="list">
        <legend>{label} {hint}</legend>
        {items.map((item, i) => (
          <div className="row" key={i}>
            <FormField label={`${label}[${i}]`} type={t.value} value={item} disabled={disabled} onChange={(v) => onChange(items.map((x, j) => (j === i ? v : x)))} />
            <button type="button" disabled={disabled} aria-label={`Remove ${label}[${i}]`} onClick={() => onChange(items.filter((_, j) => j !== i))}>Remove</button>
          </div>
        ))}
        <button type="button" disabled={disabled} onClick={() => onChange([...items, emptyValue(t.value)])}>Add item to {label}</button>
      </fieldset>
    );
  }
  if (t.case === "mapValueType") {
    const entries = mapEntries(value) ?? [];
    const set = (i: number, entry: [string, FormValue]): void => onChange({ entries: entries.map((e, j) => (j === i ? entry : e)) });
    return (
      <fieldset className="map">
        <legend>{label} {hint}</legend>
        {entries.map(([k, v], i) => (
          <div className="row" key={i}>
            <div className="field">
              <label htmlFor={`${id}-k${i}`}>key</label>
              <input id={`${id}-k${i}`} value={k} disabled={disabled} onChange={(e) => set(i, [e.target.value, v])} />
            </div>
            <FormField label={`${label}[${k === "" ? i : k}]`} type={t.value} value={v} disabled={disabled} onChange={(nv) => set(i, [k, nv])} />
            <button type="button" disabled={disabled} aria-label={`Remove entry ${i} of ${label}`} onClick={() => onChange({ entries: entries.filter((_, j) => j !== i) })}>Remove</button>
          </div>
        ))}
        <button type="button" disabled={disabled} onClick={() => onChange({ entries: [...entries, ["", emptyValue(t.value)]] })}>Add entry to {label}</button>
      </fieldset>
    );
  }
  if (t.case === "unionType") {
    const choice = value !== null && typeof value === "object" && "variant" in value ? value : { variant: 0, value: null };
    const variant = t.value.variants[choice.variant];
    return (
      <fieldset className="union">
        <legend>{label} {hint}</legend>
        <div className="field">
          <label htmlFor={id}>type of {label}</label>
          <select id={id} value={choice.variant} disabled={disabled} onChange={(e) => {
            const next = Number(e.target.value);
            const nextType = t.value.variants[next];
            onChange({ variant: next, value: nextType === undefined ? null : emptyValue(nextType) });
          }}>
            {t.value.variants.map((v, i) => <option key={i} value={i}>{isNone(v) ? "none (leave empty)" : typeName(v)}</option>)}
          </select>
        </div>
        {variant === undefined || isNone(variant) ? null : <FormField label={label} type={variant} value={choice.value} disabled={disabled} onChange={(v) => onChange({ variant: choice.variant, value: v })} />}
      </fieldset>
    );
  }
  return <p className="field">{label} {hint}: not editable in the console yet</p>;
}
