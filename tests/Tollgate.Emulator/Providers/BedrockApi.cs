namespace Tollgate.Emulator.Providers;

internal static class BedrockApi
{
    public static void MapBedrock(this IEndpointRouteBuilder app)
    {
    }
}
