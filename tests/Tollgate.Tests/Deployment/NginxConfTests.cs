namespace Tollgate.Tests.Deployment;

/// <summary>
/// deploy/nginx.conf passes <c>nginx -t</c> (Debian's nginx) as it is, with the compose service names resolving through
/// a private /etc/hosts in a mount namespace of its own, as Docker's DNS resolves them in the compose network.
/// </summary>
public sealed class NginxConfTests
{
    [ImageSandboxFact]
    public async Task NginxConf_PassesNginxTest_WithTheComposeNamesResolvable()
    {
        var result = await NginxTestAsync("gateway-1 gateway-2 gateway-3");

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [ImageSandboxFact]
    public async Task NginxTest_RefusesTheConf_WhenAGatewayNameDoesNotResolve()
    {
        var result = await NginxTestAsync("gateway-1 gateway-2");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("gateway-3", result.Stderr);
    }

    private static async Task<ProcessResult> NginxTestAsync(string names)
    {
        var nginx = ProcessRunner.Which("nginx") ?? "/usr/sbin/nginx";
        Assert.True(File.Exists(nginx), "nginx is not installed: run ./scripts/test.sh (it installs Debian's nginx).");
        var prefix = Directory.CreateTempSubdirectory("tollgate-nginx-");
        try
        {
            var hosts = Path.Combine(prefix.FullName, "hosts");
            await File.WriteAllTextAsync(hosts, $"127.0.0.1 localhost\n127.0.0.1 {names}\n");
            return await ProcessRunner.RunAsync("unshare", ["--mount", "--propagation", "private", "--", "/bin/sh", "-c",
                "mount --bind \"$1\" /etc/hosts && exec \"$2\" -t -q -p \"$3\" -c \"$4\"",
                "sh", hosts, nginx, prefix.FullName + "/", Repository.Path("deploy", "nginx.conf")]);
        }
        finally
        {
            prefix.Delete(recursive: true);
        }
    }
}
