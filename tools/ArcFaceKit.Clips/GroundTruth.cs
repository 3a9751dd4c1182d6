using ArcFaceKit.Detection;
using ArcFaceKit.Evaluation;

namespace ArcFaceKit.Clips;

/// <summary>
/// A clip's ground truth in the MOTChallenge format: one row per person per frame while any of its face box is inside
/// the frame (frames from 1, id = track), class 1, the visibility, and confidence 0 (ignored) while less than
/// <see cref="MinVisibility"/> of the box is seen, as MOT17 counts a pedestrian. Boxes are the whole box, also where it
/// reaches past the frame (as MOT17's), rounded to 0.01 px.
/// </summary>
internal static class GroundTruth
{
    public const float MinVisibility = 0.5f;

    public static IReadOnlyList<MotRow> Rows(ClipScript script)
    {
        var rows = new List<MotRow>();
        for (int frame = 0; frame < script.Frames; frame++)
        {
            var poses = ClipScene.Poses(script, frame);
            for (int i = 0; i < poses.Count; i++)
            {
                var face = poses[i].Face;
                if (face.Right <= 0 || face.Bottom <= 0 || face.X >= script.Width || face.Y >= script.Height)
                {
                    continue;
                }

                float visibility = MathF.Round(Visibility.Of(face, poses.Skip(i + 1), script.Width, script.Height), 4);
                var box = new FaceBox(Round(face.X), Round(face.Y), Round(face.Width), Round(face.Height));
                rows.Add(new MotRow(frame + 1, poses[i].Track, box, visibility >= MinVisibility ? 1 : 0, 1, visibility));
            }
        }

        return [.. rows.OrderBy(r => r.Frame).ThenBy(r => r.Id)];
    }

    private static float Round(float value) => MathF.Round(value, 2);
}
