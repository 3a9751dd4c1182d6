using ArcFaceKit.Matching;

namespace ArcFaceKit.Evaluation;

/// <summary>
/// CLEAR MOT counts (Bernardin and Stiefelhagen 2008), frame by frame, on distances where NaN forbids a pair. A ground
/// truth object keeps the hypothesis it had in the previous frame while their distance still allows it; the rest are
/// paired by the most matches of least total distance; a match with another hypothesis than the object's last one is an
/// identity switch. This is py-motmetrics' MOTAccumulator, with matches kept from the previous frame only, as the paper
/// and TrackEval keep them.
/// </summary>
internal sealed class ClearMotAccumulator
{
    private Dictionary<int, int> _previousFrame = [];
    private readonly Dictionary<int, int> _lastMatch = [];

    /// <summary>Matches, identity switches included.</summary>
    public int Matches { get; private set; }

    public int Switches { get; private set; }

    public int FalsePositives { get; private set; }

    public int Misses { get; private set; }

    /// <summary>Sum of the matches' distances (for IoU, 1 - IoU).</summary>
    public double DistanceSum { get; private set; }

    public void Add(int[] truthIds, int[] hypothesisIds, double[,] distances)
    {
        int rows = truthIds.Length, columns = hypothesisIds.Length;
        var pairs = new int[rows];
        Array.Fill(pairs, -1);
        var taken = new bool[columns];
        for (int i = 0; i < rows; i++)
        {
            int j = _previousFrame.TryGetValue(truthIds[i], out int kept) ? Array.IndexOf(hypothesisIds, kept) : -1;
            if (j >= 0 && !taken[j] && double.IsFinite(distances[i, j]))
            {
                pairs[i] = j;
                taken[j] = true;
            }
        }

        var open = new double[rows, columns];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                open[i, j] = pairs[i] < 0 && !taken[j] ? distances[i, j] : double.NaN;
            }
        }

        var assigned = LinearAssignment.Minimise(open);
        var current = new Dictionary<int, int>();
        for (int i = 0; i < rows; i++)
        {
            int j = pairs[i] >= 0 ? pairs[i] : assigned[i];
            if (j < 0)
            {
                continue;
            }

            int id = truthIds[i], hypothesis = hypothesisIds[j];
            if (_lastMatch.TryGetValue(id, out int before) && before != hypothesis)
            {
                Switches++;
            }

            _lastMatch[id] = hypothesis;
            current[id] = hypothesis;
            DistanceSum += distances[i, j];
        }

        Matches += current.Count;
        Misses += rows - current.Count;
        FalsePositives += columns - current.Count;
        _previousFrame = current;
    }
}
