using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Tollgate.Caching;

[JsonSerializable(typeof(JsonObject))]
internal sealed partial class CachingJsonContext : JsonSerializerContext;
