using System.Text.Json.Serialization;

namespace Tollgate.Providers.Google;

[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class GoogleJsonContext : JsonSerializerContext;
