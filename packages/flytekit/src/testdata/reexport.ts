// Fixture: exports another module's entity under another name; the defining module names it.
export { double as twice } from "./unnamed.ts";
