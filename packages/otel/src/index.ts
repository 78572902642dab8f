// @cllama/otel will subscribe to @cllama/core's diagnostics channels (cllama:request:start,
// cllama:upstream:start, cllama:upstream:first-byte, cllama:usage, cllama:request:end, cllama:error)
// and emit GenAI spans and metrics. It exports nothing yet; the channels are already published.
export {};
