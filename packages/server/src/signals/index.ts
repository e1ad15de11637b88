export { SignalStore, type SetOutcome, type StoredSignal } from "./signal-store.ts";
export { signalService } from "./signal-service.ts";
