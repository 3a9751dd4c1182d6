using ArcFaceKit.Gallery;
using ArcFaceKit.Imaging;
using ArcFaceKit.Models;
using ArcFaceKit.Pipeline;
using ArcFaceKit.Service;
using ArcFaceKit.Video;
using Spectre.Console.Cli;

namespace ArcFaceKit.Cli;

/// <summary>Turns failures into one clear line on standard error and an exit code, never a stack trace.</summary>
internal static class Errors
{
    public const int BadInput = 2;
    public const int Internal = 70;

    public static int Report(Exception e)
    {
        var (code, message) = e switch
        {
            CommandAppException or CommandParseException or CommandRuntimeException => (BadInput, e.Message),
            FaceSelectionException { FacesFound: > 1 } => (BadInput, $"{e.Message} Use a photo with one face, or ask for the largest (--largest)."),
            ImageDecodeException or ModelContractException or GalleryException or UsageException or FaceSelectionException or VideoSourceException => (BadInput, e.Message),
            FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException => (BadInput, e.Message),
            ArgumentException => (BadInput, e.Message),
            _ => (Internal, $"internal error: {e.GetType().Name}: {e.Message}"),
        };
        Console.Error.WriteLine($"error: {message}");
        return code;
    }
}

/// <summary>A request the command cannot honour (a missing option, a file that is not there).</summary>
public sealed class UsageException(string message) : Exception(message);
