using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tollgate.Configuration;
using Tollgate.Governance.Model;
using Tollgate.Inference;

namespace Tollgate.Caching;

/// <summary>
/// The exact cache's key: SHA-256 over the scope, the namespace, the operation, the routed model and the request body
/// in canonical form (object members sorted, numbers in one spelling, insignificant whitespace gone), leaving out the
/// members that do not change the answer (<see cref="Ignored"/>). So a client that orders its JSON differently hits;
/// a changed tool, temperature or model misses. As Portkey's simple cache, the whole body counts, not a hand-picked
/// list as LiteLLM's: a parameter a provider adds next year changes the key without a code change here.
/// </summary>
internal static class CacheKeys
{
    /// <summary>Top-level members that never change what the model answers: delivery (<c>stream</c>), attribution
    /// (<c>user</c>, <c>metadata</c>), the gateway's own (<c>fallbacks</c>), and <c>model</c> (the routed one is hashed).</summary>
    private static readonly string[] Ignored = ["stream", "stream_options", "user", "metadata", "fallbacks", "model", "store"];

    /// <summary>Who may share answers: the virtual key, its team, or everyone, per <paramref name="scope"/>.</summary>
    public static string ScopeOf(CacheScope scope, VirtualKey? key) => scope switch
    {
        CacheScope.Global => "g",
        CacheScope.Team when key?.TeamId is { } team => "t:" + team,
        _ => key is null ? "anon" : "vk:" + key.Id,
    };

    public static UInt128 Compute(string scope, string? ns, InferenceOperation operation, string model, ReadOnlyMemory<byte> body)
    {
        using var canonical = new PooledBufferWriter(body.Length + 128);
        Prefix(canonical, scope, ns, operation, model);
        using (var document = JsonDocument.Parse(body))
        using (var writer = new Utf8JsonWriter(canonical))
        {
            WriteCanonical(document.RootElement, writer, topLevel: true);
        }

        return Hash(canonical.WrittenSpan);
    }

    /// <summary>A key for a text (the semantic cache's context hash) in the same scope and namespace.</summary>
    public static UInt128 ComputeText(string scope, string? ns, InferenceOperation operation, string model, string text)
    {
        using var canonical = new PooledBufferWriter(text.Length * 3 + 128);
        Prefix(canonical, scope, ns, operation, model);
        canonical.Write(Encoding.UTF8.GetBytes(text));
        return Hash(canonical.WrittenSpan);
    }

    private static void Prefix(PooledBufferWriter canonical, string scope, string? ns, InferenceOperation operation, string model)
    {
        // Length-prefixed so no scope/namespace/model spelling can run into the next part.
        foreach (var part in (ReadOnlySpan<string>)[scope, ns ?? string.Empty, operation.ToString(), model])
        {
            var bytes = Encoding.UTF8.GetBytes(part);
            BinaryPrimitives.WriteInt32LittleEndian(canonical.GetSpan(4), bytes.Length);
            canonical.Advance(4);
            canonical.Write(bytes);
        }
    }

    private static UInt128 Hash(ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(data, hash);
        return new UInt128(BinaryPrimitives.ReadUInt64LittleEndian(hash), BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]));
    }

    private static void WriteCanonical(JsonElement element, Utf8JsonWriter writer, bool topLevel)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var members = new List<JsonProperty>();
                foreach (var member in element.EnumerateObject())
                {
                    if (!topLevel || Array.IndexOf(Ignored, member.Name) < 0)
                    {
                        members.Add(member);
                    }
                }

                writer.WriteStartObject();
                // A stable sort: duplicate members keep their order, which is the order a parser would see them in.
                foreach (var member in members.OrderBy(static m => m.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(member.Name);
                    WriteCanonical(member.Value, writer, topLevel: false);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteCanonical(item, writer, topLevel: false);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.Number:
                if (element.TryGetInt64(out var whole))
                {
                    writer.WriteNumberValue(whole);
                }
                else
                {
                    writer.WriteNumberValue(element.GetDouble());
                }

                break;
            case JsonValueKind.String:
                writer.WriteStringValue(element.GetString());
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
