using System.Text.Json.Serialization;
using Tollgate.Governance.Model;

namespace Tollgate.Api;

/// <summary>Source-generated JSON for the gateway's own API types (snake_case, like the config file).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HealthStatus))]
[JsonSerializable(typeof(SettingsView))]
[JsonSerializable(typeof(ProviderView))]
[JsonSerializable(typeof(ProviderList))]
[JsonSerializable(typeof(ModelEntryView[]))]
[JsonSerializable(typeof(VirtualKeyView))]
[JsonSerializable(typeof(List<VirtualKeyView>))]
[JsonSerializable(typeof(Team))]
[JsonSerializable(typeof(List<Team>))]
[JsonSerializable(typeof(Customer))]
[JsonSerializable(typeof(List<Customer>))]
[JsonSerializable(typeof(RateLimit))]
[JsonSerializable(typeof(List<RateLimit>))]
[JsonSerializable(typeof(Budget))]
[JsonSerializable(typeof(List<Budget>))]
[JsonSerializable(typeof(ModelLimit))]
[JsonSerializable(typeof(List<ModelLimit>))]
[JsonSerializable(typeof(BudgetView))]
[JsonSerializable(typeof(List<BudgetView>))]
[JsonSerializable(typeof(UsageReport))]
[JsonSerializable(typeof(List<PriceView>))]
[JsonSerializable(typeof(RotateRequest))]
[JsonSerializable(typeof(List<KeyHealthView>))]
[JsonSerializable(typeof(RouteExplanation))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
