using System.Text.Json.Serialization;

namespace Tollgate.Api;

/// <summary>Source-generated JSON for the gateway's own API types (snake_case, like the config file).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HealthStatus))]
[JsonSerializable(typeof(ReadyStatus))]
[JsonSerializable(typeof(SettingsView))]
[JsonSerializable(typeof(ProviderView))]
[JsonSerializable(typeof(ProviderList))]
[JsonSerializable(typeof(ModelEntryView[]))]
[JsonSerializable(typeof(VirtualKeyView))]
[JsonSerializable(typeof(List<VirtualKeyView>))]
[JsonSerializable(typeof(Governance.Model.Team))]
[JsonSerializable(typeof(List<Governance.Model.Team>))]
[JsonSerializable(typeof(Governance.Model.Customer))]
[JsonSerializable(typeof(List<Governance.Model.Customer>))]
[JsonSerializable(typeof(Governance.Model.RateLimit))]
[JsonSerializable(typeof(List<Governance.Model.RateLimit>))]
[JsonSerializable(typeof(Governance.Model.Budget))]
[JsonSerializable(typeof(List<Governance.Model.Budget>))]
[JsonSerializable(typeof(Governance.Model.ModelLimit))]
[JsonSerializable(typeof(List<Governance.Model.ModelLimit>))]
[JsonSerializable(typeof(BudgetView))]
[JsonSerializable(typeof(List<BudgetView>))]
[JsonSerializable(typeof(UsageReport))]
[JsonSerializable(typeof(List<PriceView>))]
[JsonSerializable(typeof(RotateRequest))]
[JsonSerializable(typeof(List<KeyHealthView>))]
[JsonSerializable(typeof(RouteExplanation))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
