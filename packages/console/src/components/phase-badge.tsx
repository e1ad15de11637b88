/** A phase as a coloured badge (text, not colour alone, carries the meaning). */
import { phaseTone } from "../lib/phases.ts";

/** One phase name in a badge. */
export function PhaseBadge({ phase }: { readonly phase: string }) {
  return <span className={`badge ${phaseTone(phase)}`} data-phase={phase}>{phase.replaceAll("_", " ").toLowerCase()}</span>;
}
