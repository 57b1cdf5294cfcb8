// Preloaded into Portkey's gateway by bench/run.sh (node --import). Portkey 1.15.2 on Node appends its
// x-portkey-* headers to the upstream's fetch() Response, whose headers undici makes immutable; it works for
// non-stream chat (which it re-creates) but answers 500 "Something went wrong" ("TypeError: immutable" in its
// log) for streams and embeddings, which it passes through. Re-wrapping each upstream response once gives it
// mutable headers and costs one object per request.
const originalFetch = globalThis.fetch;
globalThis.fetch = async (...args) => {
  const response = await originalFetch(...args);
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers: new Headers(response.headers),
  });
};
