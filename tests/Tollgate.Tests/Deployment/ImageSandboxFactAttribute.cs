namespace Tollgate.Tests.Deployment;

/// <summary>
/// A fact that needs to run the gateway as a container would: root (to make a read-only mount namespace and drop to the
/// image's user) with unshare and setpriv from util-linux. Skipped, with the reason, on a machine that cannot; CI runs
/// as root on Debian, where it runs.
/// </summary>
public sealed class ImageSandboxFactAttribute : FactAttribute
{
    private static readonly string? Reason = Probe();

    public ImageSandboxFactAttribute()
    {
        if (Reason is not null)
        {
            Skip = Reason;
        }
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "needs Linux mount namespaces";
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return "needs root to build a read-only mount namespace and switch to the image's user (CI runs as root)";
        }

        if (ProcessRunner.Which("unshare") is null || ProcessRunner.Which("setpriv") is null)
        {
            return "needs unshare and setpriv (Debian package util-linux)";
        }

        var probe = ProcessRunner.RunAsync("unshare", ["--mount", "--propagation", "private", "--", "true"]).GetAwaiter().GetResult();
        return probe.ExitCode == 0 ? null : "this machine refuses a private mount namespace: " + probe.Stderr.Trim();
    }
}
