using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Tollgate.Emulator.Pipeline;
using Tollgate.Emulator.Script;

namespace Tollgate.Emulator.Providers;

/// <summary>
/// OpenAI's Responses API (<c>POST /openai/v1/responses</c>), text answers only: enough to prove a gateway passes
/// it through (ids, <c>previous_response_id</c> kept by the upstream, usage, the named event stream).
/// </summary>
internal static class OpenAIResponsesApi
{
    private static readonly ConcurrentDictionary<string, bool> Stored = new(StringComparer.Ordinal);

    public static void MapResponses(this RouteGroupBuilder openai) => openai.MapPost("/responses", RespondAsync);

    private static async Task RespondAsync(HttpContext ctx)
    {
        var body = await OpenAIFamily.RequireBodyAsync(ctx, OpenAIApi.Dialect);
        if (body is null)
        {
            return;
        }

        if (!(ctx.Request.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer " + OpenAIApi.ValidKeyPrefix, StringComparison.Ordinal)))
        {
            await OpenAIApi.WriteErrorAsync(ctx, new OpenAIError(401, "Incorrect API key provided.", null, "invalid_api_key"));
            return;
        }

        var model = body.GetString("model");
        if (string.IsNullOrEmpty(model))
        {
            await OpenAIApi.WriteErrorAsync(ctx, new OpenAIError(400, "Missing required parameter: 'model'.", "model", "missing_required_parameter"));
            return;
        }

        var previous = body.GetString("previous_response_id");
        if (previous is not null && !Stored.ContainsKey(previous))
        {
            await OpenAIApi.WriteErrorAsync(ctx, new OpenAIError(400, $"Previous response with id '{previous}' not found.", "previous_response_id", "previous_response_not_found"));
            return;
        }

        var text = LastUserText(body["input"]);
        var plan = ReplyPlanner.Plan(ChatInput.FromPrompt(text, body), ProviderNames.OpenAI);
        var id = JsonOut.NewId("resp_emu_");
        Stored[id] = true;
        var messageId = JsonOut.NewId("msg_emu_");
        var created = JsonOut.UnixNow();
        var versioned = OpenAIApi.Versioned(model);

        JsonObject Response(string status, bool withOutput) => new()
        {
            ["id"] = id,
            ["object"] = "response",
            ["created_at"] = created,
            ["status"] = status,
            ["model"] = versioned,
            ["previous_response_id"] = previous,
            ["output"] = withOutput ? new JsonArray { Message(plan.Text) } : new JsonArray(),
            ["usage"] = withOutput ? Usage(plan) : null,
        };

        JsonObject Message(string content) => new()
        {
            ["type"] = "message",
            ["id"] = messageId,
            ["status"] = "completed",
            ["role"] = "assistant",
            ["content"] = new JsonArray { new JsonObject { ["type"] = "output_text", ["text"] = content, ["annotations"] = new JsonArray() } },
        };

        if (!body.GetBool("stream"))
        {
            await JsonOut.WriteAsync(ctx, 200, Response("completed", withOutput: true));
            return;
        }

        var sse = SseWriter.For(ctx);
        if (!await sse.StartAsync())
        {
            return;
        }

        var sequence = 0;
        async Task<bool> Event(string type, JsonObject data)
        {
            data["type"] = type;
            data["sequence_number"] = sequence++;
            return await sse.EventAsync(type, data);
        }

        var inProgressMessage = new JsonObject { ["type"] = "message", ["id"] = messageId, ["status"] = "in_progress", ["role"] = "assistant", ["content"] = new JsonArray() };
        if (!await Event("response.created", new JsonObject { ["response"] = Response("in_progress", withOutput: false) })
            || !await Event("response.output_item.added", new JsonObject { ["output_index"] = 0, ["item"] = inProgressMessage })
            || !await Event("response.content_part.added", new JsonObject
            {
                ["item_id"] = messageId, ["output_index"] = 0, ["content_index"] = 0,
                ["part"] = new JsonObject { ["type"] = "output_text", ["text"] = "", ["annotations"] = new JsonArray() },
            }))
        {
            return;
        }

        foreach (var piece in plan.Pieces())
        {
            if (!await Event("response.output_text.delta", new JsonObject { ["item_id"] = messageId, ["output_index"] = 0, ["content_index"] = 0, ["delta"] = piece }))
            {
                return;
            }
        }

        _ = await Event("response.output_text.done", new JsonObject { ["item_id"] = messageId, ["output_index"] = 0, ["content_index"] = 0, ["text"] = plan.Text })
            && await Event("response.content_part.done", new JsonObject
            {
                ["item_id"] = messageId, ["output_index"] = 0, ["content_index"] = 0,
                ["part"] = new JsonObject { ["type"] = "output_text", ["text"] = plan.Text, ["annotations"] = new JsonArray() },
            })
            && await Event("response.output_item.done", new JsonObject { ["output_index"] = 0, ["item"] = Message(plan.Text) })
            && await Event("response.completed", new JsonObject { ["response"] = Response("completed", withOutput: true) });
    }

    private static JsonObject Usage(ReplyPlan plan) => new()
    {
        ["input_tokens"] = plan.PromptTokens,
        ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = 0 },
        ["output_tokens"] = plan.CompletionTokens,
        ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0 },
        ["total_tokens"] = plan.PromptTokens + plan.CompletionTokens,
    };

    /// <summary>The last user text of <c>input</c>: a string, or the last user message item's text.</summary>
    private static string LastUserText(JsonNode? input)
    {
        if (input is JsonValue value && value.TryGetValue<string>(out var text))
        {
            return text;
        }

        var last = string.Empty;
        if (input is JsonArray items)
        {
            foreach (var item in items.OfType<JsonObject>())
            {
                if (item.GetString("role") == "user")
                {
                    last = item["content"] switch
                    {
                        JsonValue s when s.TryGetValue<string>(out var t) => t,
                        JsonArray parts => string.Concat(parts.OfType<JsonObject>().Select(p => p.GetString("text") ?? string.Empty)),
                        _ => last,
                    };
                }
            }
        }

        return last;
    }
}
