// OpenAI chat wire shapes, as the real API sends them today (see test/fixtures/openai-chat*.json|sse).
// The benchmark needs realistic sizes and shapes so the usage tap does the work it does in production.

const USAGE = Object.freeze({
  prompt_tokens: 14,
  completion_tokens: 2,
  total_tokens: 16,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
});

/** A complete non-streamed chat completion (about 600 bytes, like a short real answer). */
export function chatCompletionBody(model: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      id: 'chatcmpl-bench',
      object: 'chat.completion',
      created: 1763700004,
      model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Paris is the capital of France.', refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: USAGE,
      service_tier: 'default',
      system_fingerprint: 'fp_bench',
    }),
    'utf8',
  );
}

/**
 * One content delta as an SSE event. `x_sent_at` (epoch ms, µs precision) lets the client compute
 * each event's upstream→client delay, so a proxy that holds a chunk back shows up per event.
 */
export function deltaEvent(model: string, content: string, sentAt: number): string {
  return `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1763700004,"model":"${model}","system_fingerprint":"fp_bench","choices":[{"index":0,"delta":{"content":"${content}"},"logprobs":null,"finish_reason":null}],"x_sent_at":${sentAt.toFixed(3)}}\n\n`;
}

/** The last content event: empty delta with the finish reason. */
export function finishEvent(model: string, sentAt: number): string {
  return `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1763700004,"model":"${model}","system_fingerprint":"fp_bench","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"x_sent_at":${sentAt.toFixed(3)}}\n\n`;
}

/** The usage-only chunk OpenAI adds when the request set `stream_options.include_usage`. */
export function usageEvent(model: string): string {
  return `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1763700004,"model":"${model}","system_fingerprint":"fp_bench","choices":[],"usage":${JSON.stringify(USAGE)}}\n\n`;
}

export const DONE_EVENT = 'data: [DONE]\n\n';

/** The chat request every target gets (same bytes for all, so only the proxy differs). */
export function chatRequestBody(stream: boolean, bench?: Readonly<Record<string, number>>): Buffer {
  return Buffer.from(
    JSON.stringify({
      model: 'openai/gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are a terse assistant. Answer in one sentence.' },
        { role: 'user', content: 'What is the capital of France? Please also say why it became the capital.' },
      ],
      temperature: 0.2,
      max_tokens: 64,
      ...(stream ? { stream: true } : {}),
      ...(bench ? { x_bench: bench } : {}),
    }),
    'utf8',
  );
}
