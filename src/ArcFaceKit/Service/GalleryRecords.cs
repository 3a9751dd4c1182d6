using ArcFaceKit.Gallery;
using ArcFaceKit.Imaging;
using ArcFaceKit.Pipeline;

namespace ArcFaceKit.Service;

/// <summary>A decoded photo to enrol from, and what to call it in the gallery and in errors (a file name, say).</summary>
public sealed record PhotoToEnroll(RgbImage Image, string? Source = null);

/// <summary>An upload not yet decoded, and what to call it.</summary>
public sealed record Upload(ReadOnlyMemory<byte> Encoded, string? Source = null);

/// <summary>The face a photo gives for enrolment: what will be stored, and the analysed face it comes from.</summary>
public sealed record FaceToEnroll(NewFace New, FaceRecord Face);

/// <summary>A face enrolled: as stored, and the analysed face it came from (in the photo's own pixels).</summary>
public sealed record EnrolledFace(StoredFace Stored, FaceRecord Face);

/// <summary>A face kept among the unnamed faces (<see cref="Group"/> null when too poor to keep), and the analysed face.</summary>
public sealed record CollectedFace(GroupFace? Group, FaceRecord Face);
