namespace ArcFaceKit.Server.Security;

/// <summary>What the server calls out for, as its messages name it: the hosts (webhook targets), their setting and the serve flag.</summary>
internal sealed record OutboundPurpose(string What, string Setting, string Flag)
{
    public static OutboundPurpose Webhooks { get; } = new("webhook targets", "ArcFace:Webhooks:AllowedHosts", "--webhook-hosts");

    public static OutboundPurpose Videos { get; } = new("video URLs", "ArcFace:Videos:AllowedHosts", "--video-hosts");
}
