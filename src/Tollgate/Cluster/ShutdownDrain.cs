using Microsoft.Extensions.Hosting;
using Tollgate.Configuration;

namespace Tollgate.Cluster;

/// <summary>
/// Graceful shutdown. On SIGTERM (<see cref="IHostApplicationLifetime.ApplicationStopping"/>) <c>/ready</c> answers 503 at
/// once, so the load balancer stops sending; the process keeps serving while requests are in flight, up to
/// <c>client.shutdown_grace_seconds</c>; then Kestrel stops, streams still open are cancelled (their reservations are
/// settled in the pipeline's <c>finally</c>), and the usage and log writers drain their queues as they stop.
/// </summary>
internal sealed class ShutdownDrain
{
    private readonly GatewayConfigMonitor _config;
    private readonly TimeProvider _time;
    private readonly ILogger<ShutdownDrain> _logger;
    private int _inFlight;
    private volatile bool _draining;

    public ShutdownDrain(IHostApplicationLifetime lifetime, GatewayConfigMonitor config, TimeProvider time, ILogger<ShutdownDrain> logger)
    {
        _config = config;
        _time = time;
        _logger = logger;
        lifetime.ApplicationStopping.Register(Drain);
    }

    public bool Draining => _draining;

    public int InFlight => Volatile.Read(ref _inFlight);

    public void Enter() => Interlocked.Increment(ref _inFlight);

    public void Exit() => Interlocked.Decrement(ref _inFlight);

    private void Drain()
    {
        _draining = true;
        var grace = TimeSpan.FromSeconds(_config.Current.Client.ShutdownGraceSeconds);
        ClusterLog.Draining(_logger, (int)grace.TotalSeconds, InFlight);
        var deadline = _time.GetUtcNow() + grace;
        while (InFlight > 0 && _time.GetUtcNow() < deadline)
        {
            Thread.Sleep(25);
        }

        ClusterLog.Drained(_logger, InFlight);
    }
}
