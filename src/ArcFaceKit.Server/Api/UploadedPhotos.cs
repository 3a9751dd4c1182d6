namespace ArcFaceKit.Server.Api;

/// <summary>The photos of a bulk upload: every file field named 'image'.</summary>
// A form record: the framework binds a list of files by name as a property, and none to a list parameter.
internal sealed record UploadedPhotos
{
    public IReadOnlyList<IFormFile> Image { get; init; } = [];

    /// <summary>The photos, none when the form has no 'image' field (the framework then binds no record).</summary>
    public static IReadOnlyList<IFormFile> Of(UploadedPhotos? form) => form?.Image ?? [];
}
