using Tollgate;
using Tollgate.Api;
using Tollgate.Configuration;

if (args is [HealthCheckCommand.Flag, ..])
{
    return await HealthCheckCommand.RunAsync(args);
}

try
{
    var app = TollgateApp.Build(args);
    await app.RunAsync();
    return 0;
}
catch (ConfigException ex)
{
    // A bad config stops the start with the JSON path of the bad field, not a stack trace.
    await Console.Error.WriteLineAsync($"Tollgate: configuration error at {ex.JsonPath}: {ex.Reason}");
    return 1;
}

public partial class Program;
