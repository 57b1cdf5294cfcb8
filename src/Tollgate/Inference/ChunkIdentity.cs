using System.Text.Json;

namespace Tollgate.Inference;

/// <summary>The id, created time and model of a stream, taken from its first chunk, to stamp a synthesised usage chunk.</summary>
internal sealed class ChunkIdentity
{
    public string Id { get; private set; } = string.Empty;

    public long Created { get; private set; }

    public string Model { get; private set; } = string.Empty;

    public static ChunkIdentity? TryRead(ReadOnlySpan<byte> json)
    {
        var identity = new ChunkIdentity();
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(JsonFields.Id.EncodedUtf8Bytes))
                {
                    reader.Read();
                    identity.Id = reader.TokenType == JsonTokenType.String ? reader.GetString()! : identity.Id;
                }
                else if (reader.ValueTextEquals(JsonFields.Created.EncodedUtf8Bytes))
                {
                    reader.Read();
                    identity.Created = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var created) ? created : 0;
                }
                else if (reader.ValueTextEquals(JsonFields.Model.EncodedUtf8Bytes))
                {
                    reader.Read();
                    identity.Model = reader.TokenType == JsonTokenType.String ? reader.GetString()! : identity.Model;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return identity;
    }

    public static ChunkIdentity Create(string id, long created, string model) => new() { Id = id, Created = created, Model = model };
}
