using Tollgate.Emulator;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Fuzz;

/// <summary>A gateway with every provider family in front of the upstream emulator, used only by the fuzz tests.</summary>
public sealed class FuzzGatewayFixture : IAsyncLifetime
{
    public EmulatorHost Emulator { get; private set; } = null!;

    public GatewayHost Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Emulator = await EmulatorHost.StartAsync();
        Gateway = await GatewayHost.StartAsync(GatewayFixture.BuildConfig(Emulator));
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}
