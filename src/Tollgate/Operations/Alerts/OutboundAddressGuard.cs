using System.Net;
using System.Net.Sockets;

namespace Tollgate.Operations.Alerts;

/// <summary>
/// Keeps alert (and export) traffic off link-local and cloud metadata addresses, checked on the address actually
/// connected to, after DNS, so a hostname that resolves to 169.254.169.254 is refused too. Loopback and private ranges
/// stay allowed: self-hosted relays and chat servers live there.
/// </summary>
internal static class OutboundAddressGuard
{
    private static readonly IPAddress AwsIpv6Metadata = IPAddress.Parse("fd00:ec2::254");
    private static readonly IPAddress AlibabaMetadata = IPAddress.Parse("100.100.100.200");

    public static bool IsBlocked(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var bytes = address.GetAddressBytes();
            return (bytes[0] == 169 && bytes[1] == 254) || address.Equals(AlibabaMetadata);
        }

        return address.IsIPv6LinkLocal || address.Equals(AwsIpv6Metadata);
    }

    /// <summary>Resolves <paramref name="host"/> and connects to its first allowed address.</summary>
    public static async Task<Socket> ConnectAsync(string host, int port, bool allowLinkLocal, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        var allowed = allowLinkLocal ? addresses : [.. addresses.Where(a => !IsBlocked(a))];
        if (allowed.Length == 0)
        {
            throw new HttpRequestException($"'{host}' resolves only to link-local or metadata addresses, which alerts may not reach (alerts.allow_link_local)");
        }

        Exception? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
                return socket;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
        }

        throw new HttpRequestException($"cannot connect to {host}:{port}: {last?.Message}", last);
    }
}
