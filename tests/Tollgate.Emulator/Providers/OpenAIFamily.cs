using System.Text.Json;
using System.Text.Json.Nodes;
using Tollgate.Emulator.Pipeline;
using Tollgate.Emulator.Script;

namespace Tollgate.Emulator.Providers;

/// <summary>
/// Chat completions, legacy completions and embeddings in the OpenAI wire format, shared by every provider that
/// speaks it; <see cref="OpenAIDialect"/> carries the per-provider differences. Callers have done auth already.
/// </summary>
internal static class OpenAIFamily
{
    public const string ToolCallId = "call_emu_1";

    /// <summary>Any model whose name contains this gets the provider's "model not found" answer.</summary>
    public const string UnknownModelMarker = "does-not-exist";

    private const string InvalidJsonMessage =
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. "
        + "The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)";

    /// <summary>The JSON body, or null after answering 400 for a missing or malformed one.</summary>
    public static async Task<JsonObject?> RequireBodyAsync(HttpContext ctx, OpenAIDialect d)
    {
        var emu = ctx.Emu();
        if (emu.Json is JsonObject json)
        {
            return json;
        }

        await d.WriteError(ctx, new OpenAIError(400, emu.InvalidJson ? InvalidJsonMessage : "You must provide a JSON request body."));
        return null;
    }

    public static async Task ChatAsync(HttpContext ctx, OpenAIDialect d, JsonObject body, string responseModel)
    {
        if (body["messages"] is not JsonArray { Count: > 0 })
        {
            await d.WriteError(ctx, body["messages"] is JsonArray
                ? new OpenAIError(400, "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", "messages", "empty_array")
                : new OpenAIError(400, "Missing required parameter: 'messages'.", "messages", "missing_required_parameter"));
            return;
        }

        ChatInput input;
        try
        {
            input = ChatInput.FromOpenAI(body);
        }
        catch (FormatException e)
        {
            await d.WriteError(ctx, new OpenAIError(400, e.Message, "messages"));
            return;
        }

        if (await ReadNAsync(ctx, d, body) is not int n)
        {
            return;
        }

        // OpenAI refuses this combination; a gateway that always adds stream_options must be caught here.
        if (d.OpenAIExtras && body.ContainsKey("stream_options") && !body.GetBool("stream"))
        {
            await d.WriteError(ctx, new OpenAIError(
                400, "The 'stream_options' parameter is only allowed when 'stream' is enabled.", "stream_options", "invalid_value"));
            return;
        }

        var plan = ReplyPlanner.Plan(input, d.Provider);
        var id = JsonOut.NewId(d.ChatIdPrefix);
        var created = JsonOut.UnixNow();
        if (body.GetBool("stream"))
        {
            await StreamChatAsync(ctx, d, body, plan, n, id, created, responseModel);
            return;
        }

        var choices = new JsonArray();
        for (var i = 0; i < n; i++)
        {
            choices.Add(ChatChoice(d, plan, i));
        }

        var response = new JsonObject
        {
            ["id"] = id,
            ["object"] = "chat.completion",
            ["created"] = created,
            ["model"] = responseModel,
            ["choices"] = choices,
            ["usage"] = Usage(d, plan.PromptTokens, plan.CompletionTokens * n),
        };
        if (d.OpenAIExtras)
        {
            response["service_tier"] = "default";
            response["system_fingerprint"] = "fp_emu";
        }

        if (d.ContentFilters)
        {
            response["prompt_filter_results"] = AzureContentFilters.PromptResults();
        }

        if (OmitsUsage(body))
        {
            response.Remove("usage");
        }

        await JsonOut.WriteAsync(ctx, 200, response);
    }

    public static async Task CompletionsAsync(HttpContext ctx, OpenAIDialect d, JsonObject body, string responseModel)
    {
        var prompts = Prompts(body["prompt"]);
        if (prompts is null)
        {
            await d.WriteError(ctx, new OpenAIError(400, "Missing required parameter: 'prompt'.", "prompt", "missing_required_parameter"));
            return;
        }

        if (await ReadNAsync(ctx, d, body) is not int n)
        {
            return;
        }

        var plans = prompts.Select(p => ReplyPlanner.Plan(ChatInput.FromPrompt(p, body), d.Provider)).ToList();
        var promptTokens = plans.Sum(p => p.PromptTokens);
        var completionTokens = plans.Sum(p => p.CompletionTokens) * n;
        var id = JsonOut.NewId("cmpl-emu");
        var created = JsonOut.UnixNow();
        if (body.GetBool("stream"))
        {
            await StreamCompletionsAsync(ctx, d, body, plans, n, id, created, responseModel, promptTokens, completionTokens);
            return;
        }

        var choices = new JsonArray();
        for (var p = 0; p < plans.Count; p++)
        {
            for (var j = 0; j < n; j++)
            {
                choices.Add(CompletionChoice(plans[p].Text, (p * n) + j, plans[p].OpenAIFinishReason));
            }
        }

        await JsonOut.WriteAsync(ctx, 200, new JsonObject
        {
            ["id"] = id,
            ["object"] = "text_completion",
            ["created"] = created,
            ["model"] = responseModel,
            ["choices"] = choices,
            ["usage"] = Usage(d, promptTokens, completionTokens),
        });
    }

    public static async Task EmbeddingsAsync(HttpContext ctx, OpenAIDialect d, JsonObject body, string responseModel)
    {
        var inputs = EmbeddingInputs(body["input"]);
        if (inputs is null)
        {
            await d.WriteError(ctx, new OpenAIError(400, "Missing required parameter: 'input'.", "input", "missing_required_parameter"));
            return;
        }

        var base64 = false;
        if (d.SupportsBase64Embeddings && body.ContainsKey("encoding_format"))
        {
            var format = body.GetString("encoding_format");
            if (format is not ("float" or "base64"))
            {
                await d.WriteError(ctx, new OpenAIError(
                    400, $"Invalid value for 'encoding_format': '{format}'. Supported values are: 'float' and 'base64'.", "encoding_format", "invalid_value"));
                return;
            }

            base64 = format == "base64";
        }

        var data = new JsonArray();
        var tokens = 0;
        // A model named like "...bow..." embeds by words, so similar texts come out similar (semantic cache tests).
        var byWords = (body.ContainsKey("model") ? body.GetString("model") : null)?.Contains("bow", StringComparison.OrdinalIgnoreCase) == true;
        for (var i = 0; i < inputs.Count; i++)
        {
            var vector = byWords ? Embedder.EmbedWords(inputs[i]) : Embedder.Embed(inputs[i]);
            tokens += Words.Count(inputs[i]);
            data.Add(new JsonObject
            {
                ["object"] = "embedding",
                ["index"] = i,
                ["embedding"] = base64 ? JsonValue.Create(Embedder.ToBase64(vector)) : new JsonArray(vector.Select(f => (JsonNode)JsonValue.Create(f)).ToArray()),
            });
        }

        await JsonOut.WriteAsync(ctx, 200, new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = responseModel,
            ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens },
        });
    }

    public static JsonObject ModelList(IEnumerable<string> ids, string ownedBy) => new()
    {
        ["object"] = "list",
        ["data"] = new JsonArray(ids.Select(id => (JsonNode)new JsonObject
        {
            ["id"] = id,
            ["object"] = "model",
            ["created"] = 1721172741,
            ["owned_by"] = ownedBy,
        }).ToArray()),
    };

    private static async Task StreamChatAsync(
        HttpContext ctx, OpenAIDialect d, JsonObject body, ReplyPlan plan, int n, string id, long created, string model)
    {
        var sse = SseWriter.For(ctx);
        if (!await sse.StartAsync())
        {
            return;
        }

        var includeUsage = d.IncludeUsageOption && IncludeUsage(body) && !OmitsUsage(body);
        if (d.ContentFilters && !await sse.DataAsync(AzureContentFilters.PromptFilterChunk()))
        {
            return;
        }

        var deltas = ChatDeltas(d, plan);
        var totalCompletion = plan.CompletionTokens * n;
        var emittedContent = 0;
        foreach (var (delta, isContent) in deltas)
        {
            for (var i = 0; i < n; i++)
            {
                var choice = new JsonObject
                {
                    ["index"] = i,
                    ["delta"] = delta.DeepClone(),
                    ["logprobs"] = null,
                    ["finish_reason"] = null,
                };
                if (d.ContentFilters && isContent)
                {
                    choice["content_filter_results"] = AzureContentFilters.Results();
                }

                emittedContent += isContent ? 1 : 0;
                var chunk = ChatChunk(d, id, created, model, choice);
                AddStreamUsage(d, chunk, includeUsage, plan.PromptTokens, Math.Min(emittedContent, totalCompletion));
                if (!await sse.DataAsync(chunk))
                {
                    return;
                }
            }
        }

        for (var i = 0; i < n; i++)
        {
            var choice = new JsonObject
            {
                ["index"] = i,
                ["delta"] = new JsonObject(),
                ["logprobs"] = null,
                ["finish_reason"] = plan.OpenAIFinishReason,
            };
            var chunk = ChatChunk(d, id, created, model, choice);
            AddStreamUsage(d, chunk, includeUsage, plan.PromptTokens, totalCompletion);
            if (!await sse.DataAsync(chunk))
            {
                return;
            }
        }

        if (includeUsage)
        {
            var usageChunk = ChatChunk(d, id, created, model, null);
            usageChunk["usage"] = Usage(d, plan.PromptTokens, totalCompletion);
            if (!await sse.DataAsync(usageChunk))
            {
                return;
            }
        }

        if (d.SendsDone(ctx))
        {
            await sse.WriteAsync(null, "[DONE]");
        }
    }

    private static async Task StreamCompletionsAsync(
        HttpContext ctx, OpenAIDialect d, JsonObject body, List<ReplyPlan> plans, int n, string id, long created, string model, int promptTokens, int completionTokens)
    {
        var sse = SseWriter.For(ctx);
        if (!await sse.StartAsync())
        {
            return;
        }

        var includeUsage = d.IncludeUsageOption && IncludeUsage(body);
        var pieces = plans.Select(p => p.Pieces()).ToList();
        var steps = pieces.Count == 0 ? 0 : pieces.Max(p => p.Count);
        var emitted = 0;
        for (var step = 0; step < steps; step++)
        {
            for (var p = 0; p < plans.Count; p++)
            {
                if (step >= pieces[p].Count)
                {
                    continue;
                }

                for (var j = 0; j < n; j++)
                {
                    var chunk = CompletionChunk(id, created, model, CompletionChoice(pieces[p][step], (p * n) + j, null));
                    AddStreamUsage(d, chunk, includeUsage, promptTokens, Math.Min(++emitted, completionTokens));
                    if (!await sse.DataAsync(chunk))
                    {
                        return;
                    }
                }
            }
        }

        for (var p = 0; p < plans.Count; p++)
        {
            for (var j = 0; j < n; j++)
            {
                var chunk = CompletionChunk(id, created, model, CompletionChoice(string.Empty, (p * n) + j, plans[p].OpenAIFinishReason));
                AddStreamUsage(d, chunk, includeUsage, promptTokens, completionTokens);
                if (!await sse.DataAsync(chunk))
                {
                    return;
                }
            }
        }

        if (includeUsage)
        {
            var usageChunk = CompletionChunk(id, created, model, null);
            usageChunk["usage"] = Usage(d, promptTokens, completionTokens);
            if (!await sse.DataAsync(usageChunk))
            {
                return;
            }
        }

        if (d.SendsDone(ctx))
        {
            await sse.WriteAsync(null, "[DONE]");
        }
    }

    /// <summary>The deltas of one choice in order; <c>IsContent</c> marks the ones that carry generated tokens.</summary>
    private static List<(JsonObject Delta, bool IsContent)> ChatDeltas(OpenAIDialect d, ReplyPlan plan)
    {
        var deltas = new List<(JsonObject, bool)>();
        if (plan.ToolCall is ToolCallPlan call)
        {
            var first = new JsonObject
            {
                ["role"] = "assistant",
                ["content"] = null,
                ["tool_calls"] = new JsonArray
                {
                    new JsonObject
                    {
                        ["index"] = 0,
                        ["id"] = ToolCallId,
                        ["type"] = "function",
                        ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = string.Empty },
                    },
                },
            };
            if (d.OpenAIExtras)
            {
                first["refusal"] = null;
            }

            deltas.Add((first, false));
            foreach (var fragment in call.ArgumentFragments)
            {
                deltas.Add((new JsonObject
                {
                    ["tool_calls"] = new JsonArray
                    {
                        new JsonObject { ["index"] = 0, ["function"] = new JsonObject { ["arguments"] = fragment } },
                    },
                }, true));
            }

            return deltas;
        }

        var pieces = plan.Pieces();
        if (d.RoleInFirstContentDelta)
        {
            for (var i = 0; i < pieces.Count; i++)
            {
                var delta = new JsonObject();
                if (i == 0)
                {
                    delta["role"] = "assistant";
                }

                delta["content"] = pieces[i];
                deltas.Add((delta, true));
            }

            if (pieces.Count == 0)
            {
                deltas.Add((new JsonObject { ["role"] = "assistant", ["content"] = string.Empty }, false));
            }

            return deltas;
        }

        var roleDelta = new JsonObject { ["role"] = "assistant", ["content"] = string.Empty };
        if (d.OpenAIExtras)
        {
            roleDelta["refusal"] = null;
        }

        deltas.Add((roleDelta, false));
        deltas.AddRange(pieces.Select(p => (new JsonObject { ["content"] = p }, true)));
        return deltas;
    }

    private static JsonObject ChatChoice(OpenAIDialect d, ReplyPlan plan, int index)
    {
        JsonObject message;
        if (plan.ToolCall is ToolCallPlan call)
        {
            message = new JsonObject
            {
                ["role"] = "assistant",
                ["content"] = null,
                ["tool_calls"] = new JsonArray
                {
                    new JsonObject
                    {
                        ["id"] = ToolCallId,
                        ["type"] = "function",
                        ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = call.ArgumentsJson },
                    },
                },
            };
        }
        else
        {
            message = new JsonObject { ["role"] = "assistant", ["content"] = plan.Text };
        }

        if (d.OpenAIExtras)
        {
            message["refusal"] = null;
            message["annotations"] = new JsonArray();
        }

        var choice = new JsonObject
        {
            ["index"] = index,
            ["message"] = message,
            ["logprobs"] = null,
            ["finish_reason"] = plan.OpenAIFinishReason,
        };
        if (d.ContentFilters)
        {
            choice["content_filter_results"] = AzureContentFilters.Results();
        }

        return choice;
    }

    /// <summary>A chunk with one choice, or with <c>"choices":[]</c> (the usage chunk) when <paramref name="choice"/> is null.</summary>
    private static JsonObject ChatChunk(OpenAIDialect d, string id, long created, string model, JsonObject? choice)
    {
        var chunk = new JsonObject
        {
            ["id"] = id,
            ["object"] = "chat.completion.chunk",
            ["created"] = created,
            ["model"] = model,
        };
        if (d.OpenAIExtras)
        {
            chunk["service_tier"] = "default";
            chunk["system_fingerprint"] = "fp_emu";
        }

        chunk["choices"] = choice is null ? new JsonArray() : new JsonArray { choice };
        return chunk;
    }

    private static JsonObject CompletionChoice(string text, int index, string? finishReason) => new()
    {
        ["text"] = text,
        ["index"] = index,
        ["logprobs"] = null,
        ["finish_reason"] = finishReason,
    };

    private static JsonObject CompletionChunk(string id, long created, string model, JsonObject? choice) => new()
    {
        ["id"] = id,
        ["object"] = "text_completion",
        ["created"] = created,
        ["choices"] = choice is null ? new JsonArray() : new JsonArray { choice },
        ["model"] = model,
    };

    /// <summary>OpenAI puts <c>"usage":null</c> on every chunk once usage is requested; Databricks puts running totals on each.</summary>
    private static void AddStreamUsage(OpenAIDialect d, JsonObject chunk, bool includeUsage, int promptTokens, int completionSoFar)
    {
        if (d.RunningUsageInChunks)
        {
            chunk["usage"] = Usage(d, promptTokens, completionSoFar);
        }
        else if (includeUsage)
        {
            chunk["usage"] = null;
        }
    }

    /// <summary>A model whose name contains <c>no-usage</c> answers without any usage, like some self-hosted servers.</summary>
    private static bool OmitsUsage(JsonObject body) =>
        body["model"] is JsonValue value && value.TryGetValue<string>(out var model) && model.Contains("no-usage", StringComparison.Ordinal);

    private static JsonObject Usage(OpenAIDialect d, int promptTokens, int completionTokens)
    {
        var usage = new JsonObject
        {
            ["prompt_tokens"] = promptTokens,
            ["completion_tokens"] = completionTokens,
            ["total_tokens"] = promptTokens + completionTokens,
        };
        if (d.OpenAIExtras)
        {
            usage["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = 0, ["audio_tokens"] = 0 };
            usage["completion_tokens_details"] = new JsonObject
            {
                ["reasoning_tokens"] = 0,
                ["audio_tokens"] = 0,
                ["accepted_prediction_tokens"] = 0,
                ["rejected_prediction_tokens"] = 0,
            };
        }

        return usage;
    }

    private static bool IncludeUsage(JsonObject body) =>
        body["stream_options"] is JsonObject options && options.GetBool("include_usage");

    private static async Task<int?> ReadNAsync(HttpContext ctx, OpenAIDialect d, JsonObject body)
    {
        if (!body.TryGetInt("n", out var n) || n is < 1 or > 128)
        {
            await d.WriteError(ctx, new OpenAIError(400, "Invalid 'n': expected an integer between 1 and 128.", "n", "invalid_value"));
            return null;
        }

        return n ?? 1;
    }

    /// <summary>Legacy prompts: a string, strings, one token array, or token arrays. Null when missing or empty.</summary>
    private static List<string>? Prompts(JsonNode? prompt)
    {
        var inputs = EmbeddingInputs(prompt);
        return inputs is { Count: > 0 } ? inputs : null;
    }

    /// <summary>Embedding inputs: a string, strings, one token array (a single input), or token arrays.</summary>
    private static List<string>? EmbeddingInputs(JsonNode? input)
    {
        switch (input)
        {
            case JsonValue v when v.TryGetValue<string>(out var s):
                return [s];
            case JsonArray { Count: > 0 } a when a.All(x => x is JsonValue xv && xv.GetValueKind() == JsonValueKind.Number):
                return [string.Join(" ", a.Select(x => x!.ToJsonString()))];
            case JsonArray { Count: > 0 } a:
                var list = new List<string>();
                foreach (var item in a)
                {
                    if (item is JsonValue iv && iv.TryGetValue<string>(out var text))
                    {
                        list.Add(text);
                    }
                    else if (item is JsonArray tokens)
                    {
                        list.Add(string.Join(" ", tokens.Select(x => x?.ToJsonString())));
                    }
                    else
                    {
                        return null;
                    }
                }

                return list;
            default:
                return null;
        }
    }
}
