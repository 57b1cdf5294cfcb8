namespace Tollgate.Emulator.Pipeline;

internal static class HttpContextExtensions
{
    public static EmulatorRequest Emu(this HttpContext ctx) =>
        ctx.Features.Get<EmulatorRequest>() ?? throw new InvalidOperationException("The emulator pipeline did not run for this request.");

    public static EmulatorState EmuState(this HttpContext ctx) => ctx.RequestServices.GetRequiredService<EmulatorState>();

    public static string? RouteString(this HttpContext ctx, string name) => ctx.Request.RouteValues[name] as string;
}
