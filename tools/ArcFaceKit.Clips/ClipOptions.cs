using System.Globalization;

namespace ArcFaceKit.Clips;

/// <summary>The command's flags: --out DIR [--count 20] [--seed 1] [--people lfw|celeba] [--detector PATH] [--shared DIR] [--ffmpeg PATH] [--check].</summary>
internal sealed record ClipOptions(string Out, int Count, int Seed, string People, string? Detector, string? Shared, string Ffmpeg, bool Check = false)
{
    public const string Usage = "usage: arcface-clips --out DIR [--count 20] [--seed 1] [--people lfw|celeba] [--detector MODEL.onnx] [--shared DIR] [--ffmpeg PATH] [--check]";

    public static ClipOptions Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        bool check = false;
        for (int i = 0; i < args.Count; i++)
        {
            string flag = args[i];
            if (flag == "--check")
            {
                check = true;
                continue;
            }

            if (flag is not ("--out" or "--count" or "--seed" or "--people" or "--detector" or "--shared" or "--ffmpeg"))
            {
                throw new ArgumentException($"unknown argument '{flag}'. {Usage}");
            }

            values[flag] = i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{flag} needs a value. {Usage}");
        }

        string people = values.GetValueOrDefault("--people", "lfw");
        if (people is not ("lfw" or "celeba"))
        {
            throw new ArgumentException($"--people is lfw or celeba, not '{people}'.");
        }

        int count = Number(values, "--count", 20);
        return count < 1
            ? throw new ArgumentException("--count must be at least 1.")
            : new ClipOptions(
                values.TryGetValue("--out", out string? output) ? output : throw new ArgumentException($"--out is required. {Usage}"),
                count, Number(values, "--seed", 1), people, values.GetValueOrDefault("--detector"), values.GetValueOrDefault("--shared"),
                values.GetValueOrDefault("--ffmpeg", "ffmpeg"), check);
    }

    private static int Number(Dictionary<string, string> values, string flag, int fallback) =>
        !values.TryGetValue(flag, out string? text) ? fallback
        : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value
        : throw new ArgumentException($"{flag} must be a whole number, not '{text}'.");
}
