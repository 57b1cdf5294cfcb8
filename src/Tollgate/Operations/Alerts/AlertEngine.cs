using Tollgate.Cluster;
using Tollgate.Configuration;
using Tollgate.Hosting;

namespace Tollgate.Operations.Alerts;

/// <summary>
/// Turns signal readings into notices, once per cluster (only the leader evaluates).
/// <code>
/// rule ─► signal ─► instances firing now ─► new: "triggered" to each channel not in cooldown for (rule, instance, channel)
///                                        └► gone: "resolved" to each channel that was told it fired
/// </code>
/// A firing instance is notified once (deduplicated) however many evaluations it stays firing; after it clears, the
/// cooldown keeps a flapping condition from paging again at once. Every delivery lands in the history.
/// </summary>
internal sealed class AlertEngine : IDisposable
{
    private readonly GatewayConfigMonitor _config;
    private readonly IEnumerable<IAlertSignal> _signals;
    private readonly AlertSender _sender;
    private readonly AlertHistory _history;
    private readonly IClusterLeadership _leadership;
    private readonly TimeProvider _time;
    private readonly ILogger<AlertEngine> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<(string Rule, string Instance), Active> _active = [];
    private readonly Dictionary<(string Rule, string Instance, string Channel), DateTimeOffset> _lastSent = [];

    public AlertEngine(GatewayConfigMonitor config, IEnumerable<IAlertSignal> signals, AlertSender sender, AlertHistory history,
        IClusterLeadership leadership, TimeProvider time, ILogger<AlertEngine> logger)
    {
        _config = config;
        _signals = signals;
        _sender = sender;
        _history = history;
        _leadership = leadership;
        _time = time;
        _logger = logger;
    }

    public AlertsConfig Config => _config.Current.Alerts;

    public IReadOnlyList<ActiveAlert> ActiveAlerts
    {
        get
        {
            lock (_active)
            {
                return [.. _active.Values.Select(a => new ActiveAlert(a.Rule.Id, AlertsConfigReader.TypeName(a.Rule.Type), a.Instance, a.Since, a.Summary, a.Value, [.. a.Notified]))
                    .OrderBy(a => a.RuleId, StringComparer.Ordinal).ThenBy(a => a.Instance, StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>One evaluation of every rule; does nothing on an instance that is not the leader.</summary>
    public async Task EvaluateAsync(CancellationToken cancellationToken)
    {
        if (!_leadership.IsLeader)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var config = Config;
            var now = _time.GetUtcNow();
            foreach (var rule in config.Rules)
            {
                IReadOnlyList<AlertCondition> conditions;
                try
                {
                    var signal = _signals.FirstOrDefault(s => s.Handles(rule.Type));
                    conditions = signal is null ? [] : await signal.EvaluateAsync(rule, now, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A failed reading proves nothing either way: keep the rule's state as it is.
                    AlertLog.EvaluationFailed(_logger, ex, rule.Id);
                    continue;
                }

                var firing = conditions.Where(c => c.Firing).ToDictionary(c => c.Instance, StringComparer.Ordinal);
                foreach (var condition in firing.Values)
                {
                    await TriggerAsync(config, rule, condition, now, cancellationToken).ConfigureAwait(false);
                }

                List<Active> cleared;
                lock (_active)
                {
                    cleared = [.. _active.Values.Where(a => a.Rule.Id == rule.Id && !firing.ContainsKey(a.Instance))];
                }

                foreach (var active in cleared)
                {
                    var summary = conditions.FirstOrDefault(c => c.Instance == active.Instance)?.Summary ?? "The condition has cleared.";
                    await ResolveAsync(config, rule, active, summary, now, cancellationToken).ConfigureAwait(false);
                }
            }

            // Rules removed from the file: forget them without notices (nobody asked for them any more).
            lock (_active)
            {
                foreach (var key in _active.Keys.Where(k => !config.Rules.Any(r => r.Id == k.Rule)).ToList())
                {
                    _active.Remove(key);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Sends a test notice to one channel now (<c>POST /api/alerts/channels/{id}/test</c>); null when no such channel.</summary>
    public async Task<AlertDelivery?> TestAsync(string channelId, CancellationToken cancellationToken)
    {
        var channel = Config.Channels.FirstOrDefault(c => c.Id == channelId);
        if (channel is null)
        {
            return null;
        }

        var now = _time.GetUtcNow();
        var notice = new AlertNotice(AlertNoticeKind.Test, "test", "test", "", "info",
            $"A test notice to channel {channel.Id} from Tollgate: if you read this, the channel works.", null, null, now,
            "tollgate/test/" + Guid.NewGuid().ToString("N"));
        var delivery = await _sender.SendAsync(channel, notice, cancellationToken).ConfigureAwait(false);
        await RecordAsync(notice, channel.Id, delivery, cancellationToken).ConfigureAwait(false);
        return delivery;
    }

    private async Task TriggerAsync(AlertsConfig config, AlertRuleConfig rule, AlertCondition condition, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Active? active;
        lock (_active)
        {
            if (_active.TryGetValue((rule.Id, condition.Instance), out active))
            {
                // Still firing: already told (deduplicated); keep the latest reading for the API.
                active.Summary = condition.Summary;
                active.Value = condition.Value;
                return;
            }

            active = new Active(rule, condition.Instance, now, condition.Summary, condition.Value);
            _active[(rule.Id, condition.Instance)] = active;
        }

        var notice = Notice(AlertNoticeKind.Triggered, rule, condition.Instance, condition.Summary, condition.Value, condition.Threshold, now);
        AlertLog.Notice(_logger, rule.Id, notice.KindName, condition.Instance, condition.Summary);
        foreach (var channel in Channels(config, rule))
        {
            lock (_active)
            {
                if (_lastSent.TryGetValue((rule.Id, condition.Instance, channel.Id), out var last) && now - last < rule.Cooldown)
                {
                    continue;
                }

                _lastSent[(rule.Id, condition.Instance, channel.Id)] = now;
            }

            var delivery = await _sender.SendAsync(channel, notice, cancellationToken).ConfigureAwait(false);
            if (delivery.Ok)
            {
                lock (_active)
                {
                    active.Notified.Add(channel.Id);
                }
            }

            await RecordAsync(notice, channel.Id, delivery, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ResolveAsync(AlertsConfig config, AlertRuleConfig rule, Active active, string summary, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_active)
        {
            _active.Remove((rule.Id, active.Instance));
        }

        var notice = Notice(AlertNoticeKind.Resolved, rule, active.Instance, summary, null, null, now);
        AlertLog.Notice(_logger, rule.Id, notice.KindName, active.Instance, summary);
        foreach (var channel in Channels(config, rule).Where(c => active.Notified.Contains(c.Id)))
        {
            var delivery = await _sender.SendAsync(channel, notice, cancellationToken).ConfigureAwait(false);
            await RecordAsync(notice, channel.Id, delivery, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _gate.Dispose();

    private static IEnumerable<AlertChannelConfig> Channels(AlertsConfig config, AlertRuleConfig rule) =>
        config.Channels.Where(c => rule.Channels.Contains(c.Id, StringComparer.Ordinal));

    private static AlertNotice Notice(AlertNoticeKind kind, AlertRuleConfig rule, string instance, string summary, double? value, double? threshold, DateTimeOffset now) =>
        new(kind, rule.Id, AlertsConfigReader.TypeName(rule.Type), instance, rule.Severity, summary, value, threshold, now,
            $"tollgate/{rule.Id}" + (instance.Length > 0 ? "/" + instance : ""));

    private async Task RecordAsync(AlertNotice notice, string channelId, AlertDelivery delivery, CancellationToken cancellationToken)
    {
        if (!delivery.Ok)
        {
            AlertLog.SendFailed(_logger, notice.RuleId, channelId, delivery.Attempts, delivery.Detail);
        }

        try
        {
            await _history.AddAsync(new AlertEvent(notice.Time, notice.RuleId, notice.RuleType, notice.Instance, notice.KindName, channelId, delivery.Ok,
                delivery.Attempts, delivery.Detail, notice.Summary), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            AlertLog.HistoryFailed(_logger, ex);
        }
    }

    private sealed class Active(AlertRuleConfig rule, string instance, DateTimeOffset since, string summary, double? value)
    {
        public AlertRuleConfig Rule { get; } = rule;

        public string Instance { get; } = instance;

        public DateTimeOffset Since { get; } = since;

        public string Summary { get; set; } = summary;

        public double? Value { get; set; } = value;

        public HashSet<string> Notified { get; } = new(StringComparer.Ordinal);
    }
}
