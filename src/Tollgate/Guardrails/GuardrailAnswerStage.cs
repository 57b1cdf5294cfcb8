using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tollgate.Guardrails.Detection;
using Tollgate.Inference;
using Tollgate.Pipeline;

namespace Tollgate.Guardrails;

/// <summary>
/// Guardrails on output. A JSON answer is checked whole. A stream is checked event by event over a look-behind window
/// of the last <see cref="WindowChars"/> characters of answer text, so an entity split across events is caught when
/// its last piece arrives; a block ends the stream with the dialect's error event and end marker. Events are not held
/// back, so the window costs no time to first token (see docs/guardrails.md for what that means for masking).
/// </summary>
internal sealed class GuardrailAnswerStage(GuardrailMetrics metrics, GuardrailScopes scopes) : IAnswerStage
{
    public const int WindowChars = 512;

    private readonly ConditionalWeakTable<InferenceCall, StreamWindow> _windows = [];

    public GatewayError? OnAnswer(InferenceCall call, ReadOnlySpan<byte> answer)
    {
        if (State(call) is not { } state || answer.IsEmpty)
        {
            return null;
        }

        var text = AnswerText(answer);
        if (text.Length == 0)
        {
            return null;
        }

        var result = GuardrailEngine.EvaluateBuiltIn(state.Config, text, GuardrailDirection.Output, Scope(call, state), state.Masker);
        return Settle(state, result);
    }

    public GatewayError? OnStreamEvent(InferenceCall call, ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data)
    {
        if (State(call) is not { } state || data.IsEmpty || data[0] != (byte)'{')
        {
            return null;
        }

        var piece = AnswerText(data);
        if (piece.Length == 0)
        {
            return null;
        }

        var window = _windows.GetValue(call, static _ => new StreamWindow());
        var text = window.Append(piece);
        var result = GuardrailEngine.EvaluateBuiltIn(state.Config, text, GuardrailDirection.Output, Scope(call, state), state.Masker);
        // The window overlaps earlier events, so only a block is acted on here: anything in it alone would have
        // blocked an earlier event, so this block involves the new piece.
        return result.BlockedBy is null ? null : Settle(state, result);
    }

    public void OnStreamEnd(InferenceCall call, bool completed)
    {
        // Most streams had no output rules and so no window: look (lock-free) before Remove takes the table's lock.
        if (_windows.TryGetValue(call, out _))
        {
            _windows.Remove(call);
        }
    }

    private GatewayError? Settle(GuardrailRequestState state, GuardrailResult result)
    {
        if (result.Firings.Count == 0)
        {
            return null;
        }

        lock (state.Firings)
        {
            state.Firings.AddRange(result.Firings);
        }

        metrics.Record(result.Firings);
        return result.BlockedBy is { } rule ? GuardrailRequestStage.Violation(rule.Options.Id, GuardrailDirection.Output) : null;
    }

    private GuardrailRequestState? State(InferenceCall call) =>
        scopes.States.TryGetValue(call.Http, out var state) && state.Config.HasOutput ? state : null;

    private static GuardrailScope Scope(InferenceCall call, GuardrailRequestState state) => new(call.RequestedModel, call.Provider?.Name, state.KeyId);

    private static string AnswerText(ReadOnlySpan<byte> json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return string.Empty;
        }

        if (root is null)
        {
            return string.Empty;
        }

        var strings = new List<(JsonNode, object, string Text)>();
        GuardrailText.AnswerStrings(root, strings);
        return strings.Count switch
        {
            0 => string.Empty,
            1 => strings[0].Text,
            _ => string.Join('\n', strings.Select(static s => s.Text)),
        };
    }

    /// <summary>The tail of the answer text so far, at most <see cref="WindowChars"/> before the newest piece.</summary>
    private sealed class StreamWindow
    {
        private readonly StringBuilder _text = new();

        public string Append(string piece)
        {
            lock (_text)
            {
                if (_text.Length > WindowChars)
                {
                    _text.Remove(0, _text.Length - WindowChars);
                }

                _text.Append(piece);
                return _text.ToString();
            }
        }
    }
}
