namespace Tollgate.Tests.Fuzz;

/// <summary>Every inference endpoint (DESIGN.md, "Inference API"), each with valid bodies that reach the upstream emulator.</summary>
public static class FuzzTargets
{
    private const string Tool = """{"type":"function","function":{"name":"get_weather","description":"weather","parameters":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}}}""";

    private const string Chat = """{"model":"openai/gpt-4o-mini","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hello fuzz"}],"max_tokens":16,"temperature":0.2,"metadata":{"team":"fuzz"},"fallbacks":["groq/llama-3.3-70b-versatile"]}""";

    private const string ChatStream = """{"model":"local-vllm/m","messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],"stream":true,"stream_options":{"include_usage":true},"tools":[""" + Tool + """],"tool_choice":"auto"}""";

    private const string ChatTools = """{"model":"databricks/databricks-meta-llama-3-3-70b-instruct","messages":[{"role":"user","content":"weather?"},{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Paris\"}"}}]},{"role":"tool","tool_call_id":"call_1","content":"sunny"}],"tools":[""" + Tool + """],"response_format":{"type":"json_object"},"max_completion_tokens":32}""";

    private const string Completions = """{"model":"openai/gpt-3.5-turbo-instruct","prompt":["say hi","and bye"],"max_tokens":8,"stop":["\n"]}""";

    private const string Embeddings = """{"model":"openai/text-embedding-3-small","input":["a","b"],"encoding_format":"base64","dimensions":8}""";

    private const string EmbeddingsCompat = """{"model":"local-vllm/e5","input":"one text","encoding_format":"float"}""";

    private const string Responses = """{"model":"local-vllm/m","input":[{"role":"user","content":[{"type":"input_text","text":"hi"}]}],"instructions":"be brief","max_output_tokens":16,"store":true,"tools":[{"type":"function","name":"get_weather","parameters":{"type":"object","properties":{}}}]}""";

    private const string ResponsesStream = """{"model":"openai/gpt-4o-mini","input":"hello","stream":true,"previous_response_id":null}""";

    private const string Anthropic = """{"model":"anthropic/claude-3-5-haiku-latest","max_tokens":16,"system":[{"type":"text","text":"be brief"}],"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],"tools":[{"name":"get_weather","input_schema":{"type":"object","properties":{}}}],"metadata":{"user_id":"u1"}}""";

    private const string AnthropicTranslated = """{"model":"openai/gpt-4o-mini","max_tokens":16,"system":"be brief","stream":true,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":[{"type":"tool_use","id":"tu_1","name":"get_weather","input":{"location":"Paris"}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"tu_1","content":"sunny"}]}],"stop_sequences":["END"],"thinking":{"type":"enabled","budget_tokens":1024}}""";

    private const string CountTokens = """{"model":"anthropic/claude-3-5-haiku-latest","system":"be brief","messages":[{"role":"user","content":[{"type":"text","text":"count me"}]}],"tools":[{"name":"t","input_schema":{"type":"object"}}]}""";

    private const string Invocations = """{"messages":[{"role":"user","content":"hello databricks"}],"max_tokens":8,"stream":false}""";

    private const string InvocationsEmbeddings = """{"input":["a"]}""";

    public static IReadOnlyList<FuzzTarget> Inference { get; } =
    [
        new("chat", "POST", "/v1/chat/completions", [Chat, ChatStream, ChatTools]),
        new("completions", "POST", "/v1/completions", [Completions]),
        new("embeddings", "POST", "/v1/embeddings", [Embeddings, EmbeddingsCompat]),
        new("responses", "POST", "/v1/responses", [Responses, ResponsesStream]),
        new("openai-chat", "POST", "/openai/v1/chat/completions", [Chat.Replace("openai/gpt-4o-mini", "gpt-4o-mini", StringComparison.Ordinal), ChatStream]),
        new("openai-completions", "POST", "/openai/v1/completions", [Completions.Replace("openai/", "", StringComparison.Ordinal)]),
        new("openai-embeddings", "POST", "/openai/v1/embeddings", [Embeddings.Replace("openai/", "", StringComparison.Ordinal)]),
        new("openai-responses", "POST", "/openai/v1/responses", [ResponsesStream.Replace("openai/", "", StringComparison.Ordinal), Responses]),
        new("anthropic-messages", "POST", "/anthropic/v1/messages", [Anthropic, AnthropicTranslated], AnthropicShape: true),
        new("anthropic-count-tokens", "POST", "/anthropic/v1/messages/count_tokens", [CountTokens], AnthropicShape: true),
        new("databricks-invocations", "POST", "/databricks/serving-endpoints/databricks-meta-llama-3-3-70b-instruct/invocations", [Invocations, InvocationsEmbeddings]),
        new("databricks-chat", "POST", "/databricks/serving-endpoints/chat/completions", [Invocations.Replace("{", """{"model":"databricks-meta-llama-3-3-70b-instruct",""", StringComparison.Ordinal)]),
        new("databricks-embeddings", "POST", "/databricks/serving-endpoints/embeddings", ["""{"model":"databricks-gte-large-en","input":"x"}"""]),
    ];
}
