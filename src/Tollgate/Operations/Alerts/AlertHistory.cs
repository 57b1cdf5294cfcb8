namespace Tollgate.Operations.Alerts;

/// <summary>The alert history in the operations store, newest first.</summary>
internal sealed class AlertHistory(OperationsStore store)
{
    public async Task AddAsync(AlertEvent entry, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO alert_events (time_ms, rule_id, rule_type, instance, kind, channel_id, ok, attempts, detail, summary)
            VALUES (@time, @rule, @type, @instance, @kind, @channel, @ok, @attempts, @detail, @summary)
            """;
        OperationsStore.Add(command, "@time", entry.Time.ToUnixTimeMilliseconds());
        OperationsStore.Add(command, "@rule", entry.RuleId);
        OperationsStore.Add(command, "@type", entry.RuleType);
        OperationsStore.Add(command, "@instance", entry.Instance);
        OperationsStore.Add(command, "@kind", entry.Kind);
        OperationsStore.Add(command, "@channel", entry.ChannelId);
        OperationsStore.Add(command, "@ok", entry.Ok ? 1L : 0L);
        OperationsStore.Add(command, "@attempts", (long)entry.Attempts);
        OperationsStore.Add(command, "@detail", entry.Detail);
        OperationsStore.Add(command, "@summary", entry.Summary);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<List<AlertEvent>> ListAsync(int limit, string? ruleId, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT time_ms, rule_id, rule_type, instance, kind, channel_id, ok, attempts, detail, summary FROM alert_events"
            + (ruleId is null ? "" : " WHERE rule_id = @rule") + " ORDER BY time_ms DESC, seq DESC LIMIT @limit";
        if (ruleId is not null)
        {
            OperationsStore.Add(command, "@rule", ruleId);
        }

        OperationsStore.Add(command, "@limit", (long)limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<AlertEvent>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new AlertEvent(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetString(5), reader.GetInt64(6) != 0, (int)reader.GetInt64(7), reader.GetString(8), reader.GetString(9)));
        }

        return list;
    }
}
