using System.Net;

namespace ArcFaceKit.Server.Security;

/// <summary>
/// The hosts the operator lets the server call for one purpose (webhook targets, video URLs; their AllowedHosts
/// settings): names allowed as written, and address ranges. A host passes when it is named, or every address it resolves to is in a range; every address it resolves
/// to must then be in a range, or public for a named host: a name in the list cannot lead to loopback, private,
/// link-local or other internal addresses (DNS rebinding) unless those addresses are listed themselves.
/// </summary>
internal sealed class HostAllowList
{
    /// <summary>Addresses no named host may lead to unless a range allows them (RFC 6890's special-purpose blocks, roughly).</summary>
    private static readonly IPNetwork[] Internal = [.. new[]
    {
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.168.0.0/16",
        "198.18.0.0/15", "224.0.0.0/3", "::/128", "::1/128", "64:ff9b::/96", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
    }.Select(n => IPNetwork.Parse(n))];

    private readonly HashSet<string> _names;
    private readonly IPNetwork[] _ranges;
    private HostAllowList(HashSet<string> names, IPNetwork[] ranges, OutboundPurpose purpose) => (_names, _ranges, Purpose) = (names, ranges, purpose);

    public OutboundPurpose Purpose { get; }

    public bool IsEmpty => _names.Count == 0 && _ranges.Length == 0;

    /// <summary>The list as configured; an <see cref="ArgumentException"/> naming an entry that is neither a host name, an address nor a range.</summary>
    public static HostAllowList Parse(IEnumerable<string> entries, OutboundPurpose purpose)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var ranges = new List<IPNetwork>();
        foreach (string entry in entries.Select(e => e.Trim()).Where(e => e.Length > 0))
        {
            if (IPAddress.TryParse(entry, out var address))
            {
                ranges.Add(new IPNetwork(Normal(address), Normal(address).GetAddressBytes().Length * 8));
            }
            else if (IPNetwork.TryParse(entry, out var range))
            {
                ranges.Add(range);
            }
            else if (Uri.CheckHostName(entry) == UriHostNameType.Dns)
            {
                names.Add(entry.TrimEnd('.'));
            }
            else
            {
                throw new ArgumentException($"{purpose.Setting}: '{entry}' is neither a host name, an address nor a CIDR range (10.1.0.0/16).");
            }
        }

        return new HostAllowList(names, [.. ranges], purpose);
    }

    /// <summary>Why <paramref name="host"/>, resolved to <paramref name="addresses"/>, may not be called; null when it may.</summary>
    public string? Refusal(string host, IReadOnlyList<IPAddress> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        if (addresses.Count == 0)
        {
            return $"The host '{host}' does not resolve to any address.";
        }

        bool named = _names.Contains(host.TrimEnd('.'));
        if (!named && !addresses.All(InRange))
        {
            return $"The host '{host}' is not among the {Purpose.What} the operator allows ({Purpose.Setting}, serve {Purpose.Flag}).";
        }

        var refused = addresses.Where(a => !InRange(a) && !(named && !IsInternal(a))).ToList();
        return refused.Count == 0 ? null
            : $"The host '{host}' resolves to {string.Join(", ", refused)}, an address the operator does not allow {Purpose.What} at (list it in {Purpose.Setting} to allow it).";
    }

    private static IPAddress Normal(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static bool IsInternal(IPAddress address) => Internal.Any(n => n.Contains(Normal(address)));

    private bool InRange(IPAddress address) => _ranges.Any(n => n.Contains(Normal(address)));
}
