/** A map node's items, a page at a time from ListNodeExecutions (never all 10,000 at once). */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { admin } from "../api/clients.ts";
import { nodePhaseName } from "../lib/phases.ts";
import { PhaseBadge } from "./phase-badge.tsx";

const PAGE = 100;

/** Items of map node `nodeId`; `revision` refetches the page when the items move. */
export function MapItems({ execution, nodeId, revision, onSelect }: {
  readonly execution: { readonly project: string; readonly domain: string; readonly name: string };
  readonly nodeId: string;
  readonly revision: string;
  readonly onSelect: (id: string) => void;
}) {
  const [tokens, setTokens] = useState<string[]>([""]);
  const token = tokens.at(-1) ?? "";
  const page = useQuery({
    queryKey: ["mapItems", execution.name, nodeId, token, revision],
    queryFn: () => admin.listNodeExecutions({ workflowExecutionId: execution, uniqueParentId: nodeId, limit: PAGE, token }),
    placeholderData: (previous) => previous,
  });
  const items = page.data?.nodeExecutions ?? [];
  return (
    <div className="map-items">
      <table className="grid compact" aria-label={`Items of ${nodeId}`}>
        <thead><tr><th>Item</th><th>Phase</th><th>Attempts</th></tr></thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.id?.nodeId}>
              <td><button type="button" className="link" onClick={() => onSelect(item.id?.nodeId ?? "")}>{item.id?.nodeId}</button></td>
              <td><PhaseBadge phase={nodePhaseName(item.closure?.phase ?? 0)} /></td>
              <td className="num">{Number(item.metadata?.retryGroup ?? "0") + 1}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="pager">
        <button type="button" disabled={tokens.length <= 1} onClick={() => setTokens(tokens.slice(0, -1))}>Previous items</button>
        <button type="button" disabled={(page.data?.token ?? "") === ""} onClick={() => setTokens([...tokens, page.data?.token ?? ""])}>Next items</button>
      </div>
    </div>
  );
}
