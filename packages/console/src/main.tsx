/** The console's entry: the query cache, the router under /console, the app. */
// First: an execution page's first requests leave before the rest of the bundle (flyteidl's
// descriptors above all) is evaluated.
import "./api/first-requests.ts";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";
import { openEarlyStreamFor } from "./api/live-requests.ts";
import { App } from "./app.tsx";
import "./styles.css";

// The page's live stream opens now, so the server answers while React renders.
openEarlyStreamFor(window.location.pathname, window.location.search);

const queries = new QueryClient({ defaultOptions: { queries: { staleTime: 10_000, retry: 1, refetchOnWindowFocus: false } } });
const root = document.getElementById("root");
if (root === null) throw new Error("index.html has no #root element");

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queries}>
      <BrowserRouter basename="/console">
        <App />
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
