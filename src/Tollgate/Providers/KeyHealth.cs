namespace Tollgate.Providers;

/// <summary>
/// Live health of one provider key: in-flight count, outcomes and latency since the last recompute (lock-free
/// counters on the request path), smoothed error rate and latency, the effective weight the selector uses, and a
/// circuit breaker. The background <see cref="HealthMonitor"/> turns counters into weights once a second, so the
/// request path only adds to counters and reads one double.
/// </summary>
internal sealed class KeyHealth
{
    private readonly HealthOptions _options;
    private readonly Lock _circuitGate = new();
    private long _successes;
    private long _failures;
    private long _latencyTicks;
    private long _latencySamples;
    private long _ttftTicks;
    private long _ttftSamples;
    private int _inFlight;
    private int _consecutiveFailures;
    private volatile CircuitState _state = CircuitState.Closed;
    private DateTimeOffset _openUntil;
    private int _probesInFlight;
    private int _probeSuccesses;
    private double _effectiveWeight;

    public KeyHealth(string provider, string keyName, double configuredWeight, HealthOptions options)
    {
        Provider = provider;
        KeyName = keyName;
        ConfiguredWeight = configuredWeight;
        _effectiveWeight = configuredWeight;
        _options = options;
    }

    public string Provider { get; }

    public string KeyName { get; }

    public double ConfiguredWeight { get; private set; }

    /// <summary>What the selector uses: configured weight scaled by health; 0 while the circuit is open.</summary>
    public double EffectiveWeight => Volatile.Read(ref _effectiveWeight);

    public int InFlight => Volatile.Read(ref _inFlight);

    public CircuitState State => _state;

    public double ErrorRate { get; private set; }

    /// <summary>Smoothed time to the response headers (first byte), in milliseconds; NaN until measured.</summary>
    public double LatencyMs { get; private set; } = double.NaN;

    /// <summary>Smoothed time to the first stream event, in milliseconds; NaN until measured.</summary>
    public double TimeToFirstTokenMs { get; private set; } = double.NaN;

    public DateTimeOffset? OpenUntil => _state == CircuitState.Open ? _openUntil : null;

    /// <summary>The latency the score compares: time to first token when streams measured it, else time to headers.</summary>
    public double ScoreLatencyMs => double.IsNaN(TimeToFirstTokenMs) ? LatencyMs : Math.Max(TimeToFirstTokenMs, double.IsNaN(LatencyMs) ? 0 : LatencyMs);

    /// <summary>Whether a request may use this key now, without claiming anything (selection looks, then acquires).</summary>
    public bool IsAvailable(DateTimeOffset now) => _state switch
    {
        CircuitState.Closed => true,
        CircuitState.Open => now >= _openUntil,
        _ => Volatile.Read(ref _probesInFlight) < _options.HalfOpenProbes,
    };

    /// <summary>Claims the key for one attempt; in half-open that takes a probe slot. False when the circuit refuses.</summary>
    public bool TryAcquire(DateTimeOffset now, out bool probe)
    {
        probe = false;
        if (_state == CircuitState.Closed)
        {
            Interlocked.Increment(ref _inFlight);
            return true;
        }

        lock (_circuitGate)
        {
            if (_state == CircuitState.Open)
            {
                if (now < _openUntil)
                {
                    return false;
                }

                _state = CircuitState.HalfOpen;
                _probesInFlight = 0;
                _probeSuccesses = 0;
            }

            if (_state == CircuitState.HalfOpen)
            {
                if (_probesInFlight >= _options.HalfOpenProbes)
                {
                    return false;
                }

                _probesInFlight++;
                probe = true;
            }
        }

        Interlocked.Increment(ref _inFlight);
        return true;
    }

    /// <summary>
    /// Reports an attempt's outcome. <paramref name="latency"/> is the time to response headers. A throttled attempt
    /// (429) counts against the error rate, so traffic drains away, but not toward opening the circuit: the upstream
    /// said when to come back (<c>Retry-After</c>), it did not fail.
    /// </summary>
    public void Completed(bool success, bool probe, TimeSpan latency, DateTimeOffset now, bool throttled = false)
    {
        Interlocked.Decrement(ref _inFlight);
        if (success)
        {
            Interlocked.Increment(ref _successes);
            Interlocked.Add(ref _latencyTicks, latency.Ticks);
            Interlocked.Increment(ref _latencySamples);
            if (Volatile.Read(ref _consecutiveFailures) != 0)
            {
                Volatile.Write(ref _consecutiveFailures, 0);
            }
        }
        else
        {
            Interlocked.Increment(ref _failures);
        }

        if (_state == CircuitState.Closed && (success || throttled))
        {
            return;
        }

        lock (_circuitGate)
        {
            switch (_state)
            {
                case CircuitState.Closed:
                    if (Interlocked.Increment(ref _consecutiveFailures) >= _options.FailureThreshold)
                    {
                        Open(now);
                    }

                    break;
                case CircuitState.HalfOpen when probe:
                    _probesInFlight--;
                    if (!success && !throttled)
                    {
                        Open(now);
                    }
                    else if (success && ++_probeSuccesses >= _options.HalfOpenProbes)
                    {
                        _state = CircuitState.Closed;
                        _consecutiveFailures = 0;
                    }

                    break;
            }
        }
    }

    /// <summary>Reports the time to a stream's first event.</summary>
    public void FirstToken(TimeSpan timeToFirstToken)
    {
        Interlocked.Add(ref _ttftTicks, timeToFirstToken.Ticks);
        Interlocked.Increment(ref _ttftSamples);
    }

    /// <summary>Releases a claim that never reached the upstream (e.g. the credential could not be fetched).</summary>
    public void Abandoned(bool probe)
    {
        Interlocked.Decrement(ref _inFlight);
        if (probe)
        {
            lock (_circuitGate)
            {
                _probesInFlight = Math.Max(0, _probesInFlight - 1);
            }
        }
    }

    /// <summary>Folds the last interval's counters into the averages. Called by the monitor only.</summary>
    public void Fold()
    {
        var successes = Interlocked.Exchange(ref _successes, 0);
        var failures = Interlocked.Exchange(ref _failures, 0);
        var latencyTicks = Interlocked.Exchange(ref _latencyTicks, 0);
        var latencySamples = Interlocked.Exchange(ref _latencySamples, 0);
        var ttftTicks = Interlocked.Exchange(ref _ttftTicks, 0);
        var ttftSamples = Interlocked.Exchange(ref _ttftSamples, 0);
        var a = _options.Smoothing;
        if (successes + failures > 0)
        {
            ErrorRate = (a * failures / (successes + failures)) + ((1 - a) * ErrorRate);
        }
        else
        {
            // No traffic: forget old errors slowly, so a drained key is tried again.
            ErrorRate *= 1 - (a / 4);
        }

        if (latencySamples > 0)
        {
            var ms = TimeSpan.FromTicks(latencyTicks / latencySamples).TotalMilliseconds;
            LatencyMs = double.IsNaN(LatencyMs) ? ms : (a * ms) + ((1 - a) * LatencyMs);
        }

        if (ttftSamples > 0)
        {
            var ms = TimeSpan.FromTicks(ttftTicks / ttftSamples).TotalMilliseconds;
            TimeToFirstTokenMs = double.IsNaN(TimeToFirstTokenMs) ? ms : (a * ms) + ((1 - a) * TimeToFirstTokenMs);
        }
    }

    /// <summary>
    /// Sets the effective weight from health: configured × (1 − error rate)² × min(1, (best peer latency + slack) ÷
    /// (own latency + slack)), where latency is time to first token for streams and time to headers otherwise, never below <see cref="HealthOptions.MinimumShare"/> of the configured weight while closed, 0 while
    /// open. Drops apply at once; rises close a quarter of the gap per interval.
    /// </summary>
    public void Reweigh(double bestPeerLatencyMs, DateTimeOffset now)
    {
        if (_state == CircuitState.Open && now < _openUntil)
        {
            Volatile.Write(ref _effectiveWeight, 0);
            return;
        }

        var success = 1 - ErrorRate;
        var own = ScoreLatencyMs;
        var latencyFactor = double.IsNaN(own) || double.IsNaN(bestPeerLatencyMs)
            ? 1
            : Math.Clamp((bestPeerLatencyMs + _options.LatencySlackMs) / (own + _options.LatencySlackMs), 0, 1);
        var target = ConfiguredWeight * Math.Max(_options.MinimumShare, success * success * latencyFactor);
        var current = EffectiveWeight;
        var next = target <= current || current <= 0 ? (current <= 0 ? target * _options.RecoveryRate : target) : current + ((target - current) * _options.RecoveryRate);
        Volatile.Write(ref _effectiveWeight, next);
    }

    /// <summary>A reload changed the key's configured weight: keep the health, rescale.</summary>
    public void Reconfigure(double configuredWeight)
    {
        if (configuredWeight == ConfiguredWeight)
        {
            return;
        }

        var ratio = ConfiguredWeight > 0 ? EffectiveWeight / ConfiguredWeight : 1;
        ConfiguredWeight = configuredWeight;
        Volatile.Write(ref _effectiveWeight, configuredWeight * ratio);
    }

    private void Open(DateTimeOffset now)
    {
        _state = CircuitState.Open;
        _openUntil = now + _options.OpenCooldown;
        Volatile.Write(ref _effectiveWeight, 0);
    }
}
