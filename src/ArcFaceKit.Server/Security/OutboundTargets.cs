using System.Net;
using System.Net.Sockets;
using ArcFaceKit.Server.Api;

namespace ArcFaceKit.Server.Security;

/// <summary>
/// Keeps a URL a client gives (a webhook's target, a video to fetch) from making the server call what the operator
/// does not allow (SSRF): the URL is checked against the allow-list when given, and every connection resolves the host
/// again and connects only to the addresses it checked then (so a name that resolves elsewhere later, DNS rebinding,
/// is refused); no proxy, no redirects followed.
/// </summary>
internal sealed class OutboundTargets(HostAllowList allowed)
{
    private readonly HostAllowList _allowed = allowed;

    /// <summary>
    /// The URL a client asks for, once allowed: http or https, absolute, no credentials; an <see cref="ApiProblem"/>
    /// 400 for a URL that is not one, 403 for a target the operator does not allow (every one, by default).
    /// </summary>
    public async Task<Uri> CheckAsync(string? url, CancellationToken cancellationToken)
    {
        if (_allowed.IsEmpty)
        {
            throw new ApiProblem(StatusCodes.Status403Forbidden, "Target not allowed",
                $"The operator allows no {_allowed.Purpose.What} yet ({_allowed.Purpose.Setting}, serve {_allowed.Purpose.Flag}).");
        }

        if (url is null || url.Length > 2048 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || uri.Host.Length == 0 || uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
        {
            throw new ApiProblem(StatusCodes.Status400BadRequest, "Bad request",
                "The 'url' must be an absolute http:// or https:// URL with a host, no user:password@ (it would be kept and logged) and no #fragment.");
        }

        await AddressesAsync(uri.IdnHost, cancellationToken).ConfigureAwait(false);
        return uri;
    }

    /// <summary>The client the calls go through: each connection checked here, no proxy, no redirects, no cookies.</summary>
    public HttpClient CreateClient() => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        ConnectCallback = ConnectAsync,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>The host's addresses once allowed; an <see cref="ApiProblem"/> (403) saying why not.</summary>
    private async Task<IPAddress[]> AddressesAsync(string host, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                addresses = [];
            }
        }

        return _allowed.Refusal(host, addresses) is { } refusal ? throw new ApiProblem(StatusCodes.Status403Forbidden, "Target not allowed", refusal) : addresses;
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var addresses = await AddressesAsync(context.DnsEndPoint.Host, cancellationToken).ConfigureAwait(false);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
