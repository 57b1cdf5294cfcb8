using System.Text.Json.Nodes;
using Tollgate.Emulator.Pipeline;
using Tollgate.Emulator.Script;

namespace Tollgate.Emulator.Providers;

/// <summary>
/// Cohere's v2 API under <c>/cohere</c>: <c>POST /v2/chat</c> (JSON, or SSE with <c>event: {type}</c> per event) and
/// <c>POST /v2/embed</c>, Bearer keys starting <c>co-test</c>. Errors are <c>{"id","message"}</c>. Fields v2 chat does not
/// know (OpenAI's <c>top_p</c>, <c>stop</c>, <c>n</c>, <c>stream_options</c>, ...) are refused with 400, as Cohere does, so a gateway
/// that forgets to rename them is caught.
/// </summary>
internal static class CohereApi
{
    public const string ValidKeyPrefix = "co-test";
    public const string ToolCallId = "get_weather_emu1";

    private static readonly HashSet<string> ChatFields =
    [
        "model", "messages", "tools", "documents", "citation_options", "response_format", "safety_mode", "max_tokens", "stop_sequences",
        "temperature", "seed", "frequency_penalty", "presence_penalty", "k", "p", "logprobs", "tool_choice", "stream", "strict_tools", "thinking",
    ];

    public static void MapCohere(this IEndpointRouteBuilder app)
    {
        app.MapPost("/cohere/v2/chat", ChatAsync);
        app.MapPost("/cohere/v2/embed", EmbedAsync);
        app.MapGet("/cohere/v1/models", ModelsAsync);
    }

    private static async Task ChatAsync(HttpContext ctx)
    {
        if (await ReadBodyAsync(ctx) is not JsonObject body)
        {
            return;
        }

        if (body.Select(p => p.Key).FirstOrDefault(k => !ChatFields.Contains(k)) is { } unknown)
        {
            await WriteErrorAsync(ctx, 400, $"invalid request: unknown field '{unknown}'.");
            return;
        }

        if (body["tool_choice"] is JsonNode choice && choice.AsString() is not ("REQUIRED" or "NONE"))
        {
            await WriteErrorAsync(ctx, 400, "invalid request: tool_choice must be one of REQUIRED, NONE.");
            return;
        }

        if (body["messages"] is not JsonArray { Count: > 0 } messages)
        {
            await WriteErrorAsync(ctx, 400, "invalid request: messages must not be empty.");
            return;
        }

        foreach (var turn in messages.OfType<JsonObject>())
        {
            if (turn.GetString("role") == "assistant" && turn["content"] is JsonValue v && v.TryGetValue<string>(out var text) && text.Length == 0)
            {
                await WriteErrorAsync(ctx, 400, "invalid request: assistant message content must not be empty.");
                return;
            }
        }

        // The OpenAI reader takes the same roles and tool shapes; Cohere's names for stop and tool_choice are mapped here.
        var openAI = body.DeepClone().AsObject();
        openAI.Remove("stop_sequences");
        if (body["stop_sequences"] is JsonArray stops)
        {
            openAI["stop"] = stops.DeepClone();
        }

        if (body["tool_choice"].AsString() == "NONE")
        {
            openAI["tool_choice"] = "none";
        }
        else
        {
            openAI.Remove("tool_choice");
        }

        ChatInput input;
        try
        {
            input = ChatInput.FromOpenAI(openAI);
        }
        catch (FormatException e)
        {
            await WriteErrorAsync(ctx, 400, "invalid request: " + e.Message);
            return;
        }

        var model = body.GetString("model")!;
        var plan = ReplyPlanner.Plan(input, ProviderNames.Cohere);
        var id = Guid.NewGuid().ToString();
        var finish = plan.Finish switch
        {
            FinishKind.Length => "MAX_TOKENS",
            FinishKind.ToolCall => "TOOL_CALL",
            FinishKind.StopSequence => "STOP_SEQUENCE",
            _ => "COMPLETE",
        };
        if (body.GetBool("stream"))
        {
            await StreamAsync(ctx, id, plan, finish);
            return;
        }

        var message = new JsonObject { ["role"] = "assistant" };
        if (plan.ToolCall is ToolCallPlan call)
        {
            message["tool_plan"] = $"I will call {call.Name}.";
            message["tool_calls"] = new JsonArray { ToolCall(call, call.ArgumentsJson) };
        }
        else
        {
            message["content"] = new JsonArray { new JsonObject { ["type"] = "text", ["text"] = plan.Text } };
        }

        await JsonOut.WriteAsync(ctx, 200, new JsonObject
        {
            ["id"] = id,
            ["message"] = message,
            ["finish_reason"] = finish,
            ["usage"] = Usage(plan),
        });
    }

    private static JsonObject ToolCall(ToolCallPlan call, string arguments) => new()
    {
        ["id"] = ToolCallId,
        ["type"] = "function",
        ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = arguments },
    };

    private static JsonObject Usage(ReplyPlan plan) => new()
    {
        ["billed_units"] = new JsonObject { ["input_tokens"] = plan.PromptTokens, ["output_tokens"] = plan.CompletionTokens },
        // Cohere's own count includes its prompt template, so it is higher than what it bills.
        ["tokens"] = new JsonObject { ["input_tokens"] = plan.PromptTokens + 200, ["output_tokens"] = plan.CompletionTokens + 2 },
        ["cached_tokens"] = 0,
    };

    private static async Task StreamAsync(HttpContext ctx, string id, ReplyPlan plan, string finish)
    {
        var sse = SseWriter.For(ctx);
        if (!await sse.StartAsync())
        {
            return;
        }

        var events = new List<JsonObject>
        {
            new()
            {
                ["id"] = id,
                ["type"] = "message-start",
                ["delta"] = new JsonObject { ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = new JsonArray(), ["tool_plan"] = "", ["tool_calls"] = new JsonArray(), ["citations"] = new JsonArray() } },
            },
        };
        if (plan.ToolCall is ToolCallPlan call)
        {
            events.Add(Event("tool-plan-delta", null, new JsonObject { ["tool_plan"] = $"I will call {call.Name}." }));
            events.Add(Event("tool-call-start", 0, new JsonObject { ["tool_calls"] = ToolCall(call, string.Empty) }));
            foreach (var fragment in call.ArgumentFragments)
            {
                events.Add(Event("tool-call-delta", 0, new JsonObject { ["tool_calls"] = new JsonObject { ["function"] = new JsonObject { ["arguments"] = fragment } } }));
            }

            events.Add(new JsonObject { ["type"] = "tool-call-end", ["index"] = 0 });
        }
        else
        {
            events.Add(Event("content-start", 0, new JsonObject { ["content"] = new JsonObject { ["type"] = "text", ["text"] = "" } }));
            foreach (var piece in plan.Pieces())
            {
                events.Add(Event("content-delta", 0, new JsonObject { ["content"] = new JsonObject { ["text"] = piece } }));
            }

            events.Add(new JsonObject { ["type"] = "content-end", ["index"] = 0 });
        }

        events.Add(new JsonObject { ["type"] = "message-end", ["delta"] = new JsonObject { ["finish_reason"] = finish, ["usage"] = Usage(plan) } });
        foreach (var e in events)
        {
            if (!await sse.EventAsync(e.GetString("type")!, e))
            {
                return;
            }
        }
    }

    private static JsonObject Event(string type, int? index, JsonObject message)
    {
        var e = new JsonObject { ["type"] = type };
        if (index is int i)
        {
            e["index"] = i;
        }

        e["delta"] = new JsonObject { ["message"] = message };
        return e;
    }

    private static async Task EmbedAsync(HttpContext ctx)
    {
        if (await ReadBodyAsync(ctx) is not JsonObject body)
        {
            return;
        }

        if (body["texts"] is not JsonArray { Count: > 0 } texts)
        {
            await WriteErrorAsync(ctx, 400, "invalid request: texts must not be empty.");
            return;
        }

        if (body.GetString("input_type") is null)
        {
            await WriteErrorAsync(ctx, 400, "invalid request: valid input_type must be provided with the provided model");
            return;
        }

        var strings = texts.Select(t => t.AsString() ?? string.Empty).ToList();
        await JsonOut.WriteAsync(ctx, 200, new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["embeddings"] = new JsonObject
            {
                ["float"] = new JsonArray(strings.Select(t => (JsonNode)new JsonArray(Embedder.Embed(t).Select(v => (JsonNode)JsonValue.Create(v)).ToArray())).ToArray()),
            },
            ["texts"] = new JsonArray(strings.Select(t => (JsonNode)t).ToArray()),
            ["meta"] = new JsonObject
            {
                ["api_version"] = new JsonObject { ["version"] = "2" },
                ["billed_units"] = new JsonObject { ["input_tokens"] = strings.Sum(Words.Count) },
            },
            ["response_type"] = "embeddings_by_type",
        });
    }

    private static async Task ModelsAsync(HttpContext ctx)
    {
        if (!await AuthorizedAsync(ctx))
        {
            return;
        }

        JsonObject Model(string name, params string[] endpoints) => new()
        {
            ["name"] = name,
            ["endpoints"] = new JsonArray(endpoints.Select(e => (JsonNode)e).ToArray()),
            ["context_length"] = 256000,
        };
        await JsonOut.WriteAsync(ctx, 200, new JsonObject
        {
            ["models"] = new JsonArray { Model("command-a-03-2025", "chat"), Model("embed-v4.0", "embed"), Model("rerank-v3.5", "rerank") },
        });
    }

    private static async Task<JsonObject?> ReadBodyAsync(HttpContext ctx)
    {
        if (!await AuthorizedAsync(ctx))
        {
            return null;
        }

        var emu = ctx.Emu();
        if (emu.Json is not JsonObject body)
        {
            await WriteErrorAsync(ctx, 400, "invalid request: could not parse the request body as JSON.");
            return null;
        }

        if (body.GetString("model") is not { Length: > 0 } model)
        {
            await WriteErrorAsync(ctx, 400, "invalid request: model must be provided.");
            return null;
        }

        if (model.Contains(OpenAIFamily.UnknownModelMarker, StringComparison.Ordinal))
        {
            await WriteErrorAsync(ctx, 404, $"model '{model}' not found, make sure the correct model ID was used and that you have access to the model.");
            return null;
        }

        return body;
    }

    private static async Task<bool> AuthorizedAsync(HttpContext ctx)
    {
        var authorization = ctx.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            await WriteErrorAsync(ctx, 401, "no api key supplied");
            return false;
        }

        if (!authorization["Bearer ".Length..].StartsWith(ValidKeyPrefix, StringComparison.Ordinal))
        {
            await WriteErrorAsync(ctx, 401, "invalid api token");
            return false;
        }

        return true;
    }

    private static Task WriteErrorAsync(HttpContext ctx, int status, string message) =>
        JsonOut.WriteAsync(ctx, status, ErrorBodies.Cohere(message));
}
