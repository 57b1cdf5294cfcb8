using System.Text.Json.Nodes;
using Tollgate.Emulator.Pipeline;
using Tollgate.Emulator.Script;

namespace Tollgate.Emulator.Providers;

/// <summary>
/// The Anthropic Messages API under <c>/anthropic</c>: <c>x-api-key</c> starting with <c>sk-ant-test</c> plus an
/// <c>anthropic-version</c> header; Anthropic's error envelope, usage with cache fields, and its named SSE events.
/// </summary>
internal static class AnthropicApi
{
    public const string ValidKeyPrefix = "sk-ant-test";
    public const string ToolUseId = "toolu_emu_1";

    /// <summary>Reported when any block asks for caching; <c>input_tokens</c> then excludes them, as Anthropic's does.</summary>
    public const int CacheReadTokens = 5;

    public const int CacheCreationTokens = 2;

    private static readonly (string Id, string DisplayName, string Created)[] Models =
    [
        ("claude-sonnet-4-5", "Claude Sonnet 4.5", "2025-09-29T00:00:00Z"),
        ("claude-opus-4-1", "Claude Opus 4.1", "2025-08-05T00:00:00Z"),
        ("claude-haiku-4-5", "Claude Haiku 4.5", "2025-10-15T00:00:00Z"),
        ("claude-3-5-haiku-20241022", "Claude Haiku 3.5", "2024-10-22T00:00:00Z"),
    ];

    public static RouteGroupBuilder MapAnthropic(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/anthropic/v1");
        group.MapPost("/messages", MessagesAsync);
        group.MapPost("/messages/count_tokens", CountTokensAsync);
        group.MapGet("/models", ModelsAsync);
        return group;
    }

    private static async Task MessagesAsync(HttpContext ctx)
    {
        if (await ReadValidBodyAsync(ctx, countTokens: false) is not JsonObject body)
        {
            return;
        }

        var model = body.GetString("model")!;
        var input = ChatInput.FromAnthropic(body);
        var plan = ReplyPlanner.Plan(input, ProviderNames.Anthropic);
        var id = JsonOut.NewId("msg_emu_");
        if (body.GetBool("stream"))
        {
            await StreamAsync(ctx, id, model, input, plan);
            return;
        }

        JsonObject block = plan.ToolCall is ToolCallPlan call
            ? new JsonObject { ["type"] = "tool_use", ["id"] = ToolUseId, ["name"] = call.Name, ["input"] = JsonNode.Parse(call.ArgumentsJson) }
            : new JsonObject { ["type"] = "text", ["text"] = plan.Text };
        var usage = Usage(input, plan);
        usage["output_tokens"] = plan.CompletionTokens;
        await JsonOut.WriteAsync(ctx, 200, new JsonObject
        {
            ["id"] = id,
            ["type"] = "message",
            ["role"] = "assistant",
            ["model"] = model,
            ["content"] = new JsonArray { block },
            ["stop_reason"] = plan.AnthropicStopReason,
            ["stop_sequence"] = plan.MatchedStopSequence,
            ["usage"] = usage,
        });
    }

    private static async Task StreamAsync(HttpContext ctx, string id, string model, ChatInput input, ReplyPlan plan)
    {
        var sse = SseWriter.For(ctx);
        if (!await sse.StartAsync())
        {
            return;
        }

        var startUsage = Usage(input, plan);
        startUsage["output_tokens"] = 1;
        var start = new JsonObject
        {
            ["type"] = "message_start",
            ["message"] = new JsonObject
            {
                ["id"] = id,
                ["type"] = "message",
                ["role"] = "assistant",
                ["model"] = model,
                ["content"] = new JsonArray(),
                ["stop_reason"] = null,
                ["stop_sequence"] = null,
                ["usage"] = startUsage,
            },
        };
        if (!await sse.EventAsync("message_start", start) || !await sse.EventAsync("ping", new JsonObject { ["type"] = "ping" }))
        {
            return;
        }

        JsonObject contentBlock;
        List<JsonObject> deltas;
        if (plan.ToolCall is ToolCallPlan call)
        {
            contentBlock = new JsonObject { ["type"] = "tool_use", ["id"] = ToolUseId, ["name"] = call.Name, ["input"] = new JsonObject() };
            deltas = call.ArgumentFragments.Select(f => new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = f }).ToList();
        }
        else
        {
            contentBlock = new JsonObject { ["type"] = "text", ["text"] = string.Empty };
            deltas = plan.Pieces().Select(p => new JsonObject { ["type"] = "text_delta", ["text"] = p }).ToList();
        }

        if (!await sse.EventAsync("content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = 0, ["content_block"] = contentBlock }))
        {
            return;
        }

        foreach (var delta in deltas)
        {
            if (!await sse.EventAsync("content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = 0, ["delta"] = delta }))
            {
                return;
            }
        }

        var messageDelta = new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = plan.AnthropicStopReason, ["stop_sequence"] = plan.MatchedStopSequence },
            ["usage"] = new JsonObject { ["output_tokens"] = plan.CompletionTokens },
        };
        if (await sse.EventAsync("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = 0 })
            && await sse.EventAsync("message_delta", messageDelta))
        {
            await sse.EventAsync("message_stop", new JsonObject { ["type"] = "message_stop" });
        }
    }

    private static async Task CountTokensAsync(HttpContext ctx)
    {
        if (await ReadValidBodyAsync(ctx, countTokens: true) is not JsonObject body)
        {
            return;
        }

        await JsonOut.WriteAsync(ctx, 200, new JsonObject { ["input_tokens"] = ChatInput.FromAnthropic(body).PromptTokens });
    }

    private static async Task ModelsAsync(HttpContext ctx)
    {
        if (await RejectHeadersAsync(ctx))
        {
            return;
        }

        await JsonOut.WriteAsync(ctx, 200, new JsonObject
        {
            ["data"] = new JsonArray(Models.Select(m => (JsonNode)new JsonObject
            {
                ["type"] = "model",
                ["id"] = m.Id,
                ["display_name"] = m.DisplayName,
                ["created_at"] = m.Created,
            }).ToArray()),
            ["has_more"] = false,
            ["first_id"] = Models[0].Id,
            ["last_id"] = Models[^1].Id,
        });
    }

    /// <summary>Input usage; the caller sets <c>output_tokens</c>. Key order follows Anthropic's responses.</summary>
    private static JsonObject Usage(ChatInput input, ReplyPlan plan)
    {
        var (read, creation) = input.HasCacheControl ? (CacheReadTokens, CacheCreationTokens) : (0, 0);
        return new JsonObject
        {
            ["input_tokens"] = Math.Max(0, plan.PromptTokens - read - creation),
            ["cache_creation_input_tokens"] = creation,
            ["cache_read_input_tokens"] = read,
        };
    }

    /// <summary>Auth, version header, JSON and request validation; null after answering with the error.</summary>
    private static async Task<JsonObject?> ReadValidBodyAsync(HttpContext ctx, bool countTokens)
    {
        if (await RejectHeadersAsync(ctx))
        {
            return null;
        }

        var emu = ctx.Emu();
        if (emu.Json is not JsonObject body)
        {
            await WriteErrorAsync(ctx, 400, "invalid_request_error", emu.InvalidJson
                ? "There was an error parsing the body of your request. Please make sure it is valid JSON."
                : "Request body is required.");
            return null;
        }

        if (AnthropicValidator.Validate(body, countTokens) is string problem)
        {
            await WriteErrorAsync(ctx, 400, "invalid_request_error", problem);
            return null;
        }

        var model = body.GetString("model")!;
        if (model.Contains(OpenAIFamily.UnknownModelMarker, StringComparison.Ordinal))
        {
            await WriteErrorAsync(ctx, 404, "not_found_error", $"model: {model}");
            return null;
        }

        return body;
    }

    private static async Task<bool> RejectHeadersAsync(HttpContext ctx)
    {
        var key = ctx.Request.Headers["x-api-key"].ToString();
        if (key.Length == 0)
        {
            await WriteErrorAsync(ctx, 401, "authentication_error", "x-api-key header is required");
            return true;
        }

        if (!key.StartsWith(ValidKeyPrefix, StringComparison.Ordinal))
        {
            await WriteErrorAsync(ctx, 401, "authentication_error", "invalid x-api-key");
            return true;
        }

        if (string.IsNullOrEmpty(ctx.Request.Headers["anthropic-version"]))
        {
            await WriteErrorAsync(ctx, 400, "invalid_request_error", "anthropic-version: header is required");
            return true;
        }

        return false;
    }

    private static Task WriteErrorAsync(HttpContext ctx, int status, string type, string message) =>
        JsonOut.WriteAsync(ctx, status, ErrorBodies.Anthropic(type, message));
}
