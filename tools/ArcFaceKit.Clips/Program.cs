using ArcFaceKit.Clips;

// Numbers print the same everywhere (the manifest and the ground truth are compared across runs).
System.Globalization.CultureInfo.DefaultThreadCurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(ClipOptions.Usage);
    return 0;
}

try
{
    ClipSetWriter.Write(ClipOptions.Parse(args), Console.Out);
    return 0;
}
catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or ArcFaceKit.Models.ModelContractException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
